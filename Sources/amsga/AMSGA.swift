import ArgumentParser
import Foundation
import Tensor

@main
struct AMSGA: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "amsga",
        abstract: "Forward-Forward learning and AMSGA, reproducibly.",
        subcommands: [List.self, RunNotebook.self, StatusCommand.self, Clean.self, Report.self, DataCommand.self, Train.self, Inspect.self, Plot.self, Bench.self])

    /// Line-buffered output, so that a log or a pipe sees each line as it is printed.
    static func main() {
        // Standard output is block-buffered when it is not a terminal.
        setvbuf(stdout, nil, _IOLBF, 0)
        HeapReuse.enable()
        main(nil)
    }
}

/// Options shared by every command that reads a dataset.
struct DataOptions: ParsableArguments {
    @Option(name: .customLong("data"), help: "Folder holding mnist/ and fashion-mnist/ (else $AMSGA_DATA, ./data, /usr/share/datasets).")
    var directory: String?
}
