import Foundation

/// The one way amsga starts another program: git for provenance, `swift
/// build` for a rebuild, `sbatch` for a cluster, and itself for a sweep's
/// points. A relative program name is looked up on PATH.
public enum Subprocess {
    /// Where a started program's standard output and error go.
    public enum Output {
        /// Read back (both streams together, or standard output alone).
        case captured(includingErrors: Bool)
        /// Appended to an open file (a point's log).
        case file(FileHandle)
    }

    /// Starts `arguments` and returns at once; standard input is empty.
    public static func start(
        _ arguments: [String], in folder: String? = nil, environment: [String: String]? = nil,
        output: Output, errors: Pipe? = nil
    ) throws -> (process: Process, captured: Pipe?) {
        guard let program = arguments.first else { throw SubprocessError(description: "no program to start") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: program.hasPrefix("/") ? program : "/usr/bin/env")
        p.arguments = program.hasPrefix("/") ? Array(arguments.dropFirst()) : arguments
        if let folder { p.currentDirectoryURL = URL(fileURLWithPath: folder) }
        if let environment { p.environment = environment }
        p.standardInput = FileHandle.nullDevice
        var pipe: Pipe?
        switch output {
        case .captured(let both):
            let out = Pipe()
            pipe = out
            p.standardOutput = out
            p.standardError = both ? out : (errors ?? FileHandle.nullDevice)
        case .file(let handle):
            p.standardOutput = handle
            p.standardError = handle
        }
        do { try p.run() } catch {
            throw SubprocessError(description: "cannot start \(arguments.joined(separator: " ")): \(error.localizedDescription)")
        }
        return (p, pipe)
    }

    /// Runs `arguments` to its end: its exit status and what it printed
    /// (standard output, with standard error when `includingErrors`).
    public static func run(_ arguments: [String], in folder: String? = nil, includingErrors: Bool = true) throws -> (
        status: Int32, output: String
    ) {
        let (p, pipe) = try start(arguments, in: folder, output: .captured(includingErrors: includingErrors))
        let data = pipe?.fileHandleForReading.readDataToEndOfFile() ?? Data()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

public struct SubprocessError: Error, CustomStringConvertible {
    public let description: String
}
