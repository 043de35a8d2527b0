import ArgumentParser
import ForwardForward
import Foundation
import HDF5
import RunStore
import Tensor

@main
struct AMSGA: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "amsga",
        abstract: "Forward-Forward learning and AMSGA, reproducibly.",
        subcommands: [
            List.self, NewNotebook.self, RunNotebook.self, SweepCommand.self, StatusCommand.self, CacheCommand.self, Clean.self,
            Report.self, Export.self, DataCommand.self, Train.self, Inspect.self, Plot.self, Bench.self, Carry.self,
        ])

    /// Line-buffered output, so that a log or a pipe sees each line as it is printed.
    static func main() {
        // Standard output is block-buffered when it is not a terminal.
        setvbuf(stdout, nil, _IOLBF, 0)
        HDF5Library.skipExitCleanup()
        HeapReuse.enable()
        let command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(withError: error)  // a malformed command line: the error and the usage
        }
        // A run records the checkout's commit as this process starts (the code
        // `Rebuild` built it from), not as the checkout is when the run's file is
        // first written, perhaps hours and several commits later.
        _ = Provenance.gitCommit
        do {
            var command = command
            try command.run()
        } catch let error as ValidationError {
            // A bad option value: the error and the usage of the command that was run.
            FileHandle.standardError.write(Data("Error: \(error.message)\n\(usage(of: command))\n".utf8))
            Foundation.exit(ExitCode.validationFailure.rawValue)
        } catch let error where error is ExitCode || error is CleanExit {
            exit(withError: error)  // an exit the command asked for
        } catch let error where String(reflecting: type(of: error)).hasPrefix("ArgumentParser.") {
            // `--help` parses into a command whose run throws the request for help.
            exit(withError: error)
        } catch {
            // A runtime error (a lock held, a file that does not read, an unknown
            // notebook) is not a misuse of the command line: the error alone.
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            Foundation.exit(1)
        }
    }
}

/// "Usage: amsga bench memory …", with where to read more.
func usage(of command: ParsableCommand) -> String {
    let type = type(of: command)
    let usage = AMSGA.usageString(for: type)
    let path = usage.split(separator: " ").prefix { !$0.hasPrefix("<") && !$0.hasPrefix("[") && !$0.hasPrefix("-") }.joined(separator: " ")
    return "Usage: " + usage + "\n  See '\(path) --help' for more information."
}

/// An error of the work a command does, not of its command line: printed
/// alone, without the usage text.
struct RuntimeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// `--threads N` of any command: 1 to `FFConfiguration.maxThreads`.
func validateThreads(_ threads: Int) throws {
    guard (1...FFConfiguration.maxThreads).contains(threads) else {
        throw ValidationError("--threads must be between 1 and \(FFConfiguration.maxThreads), got \(threads)")
    }
}

/// Options shared by every command that reads a dataset.
struct DataOptions: ParsableArguments {
    @Option(name: .customLong("data"), help: "Folder holding mnist/ and fashion-mnist/ (else $AMSGA_DATA, ./data, /usr/share/datasets).")
    var directory: String?
}
