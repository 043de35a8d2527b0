import Datasets
import Foundation
import TestSupport
import Testing

/// The `amsga` executable built beside this test bundle.
func amsgaExecutable() -> String? {
    var candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("amsga").path]
    for config in ["release", "debug"] { candidates.append(FileManager.default.currentDirectoryPath + "/.build/\(config)/amsga") }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
}

/// A preset whose dataset this machine has.
func availablePreset(_ kind: String) -> String? {
    if (try? DataLocator().folder(for: .mnist)) != nil { return kind + "-mnist" }
    if (try? DataLocator().folder(for: .fashionMNIST)) != nil { return kind + "-fashion" }
    return nil
}

func launch(_ args: [String], environment: [String: String] = [:]) throws -> Process {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: amsgaExecutable()!)
    p.arguments = args
    if !environment.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    return p
}

func runToEnd(_ args: [String]) throws {
    let p = try launch(args)
    p.waitUntilExit()
    #expect(p.terminationStatus == 0, "amsga \(args.joined(separator: " ")) exited with \(p.terminationStatus)")
}

/// How one run of amsga ended.
struct AmsgaRun {
    var status: Int32
    /// Ended by a signal (a crash), or still running at the time limit (then stopped).
    var signalled = false, hung = false
    /// Standard output and standard error together.
    var output: String
}

/// Runs amsga to its end or `limit`, its output in a file so that nothing blocks on a full pipe.
/// `executable` (default: the one built beside the tests) runs in `folder` (default: the current one).
func runAmsga(
    _ args: [String], limit: TimeInterval = 600, executable: String? = nil, in folder: String? = nil,
    environment: [String: String] = [:]
) throws -> AmsgaRun {
    let p = Process()
    if !environment.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    p.executableURL = URL(fileURLWithPath: executable ?? amsgaExecutable()!)
    p.arguments = args
    if let folder { p.currentDirectoryURL = URL(fileURLWithPath: folder) }
    let log = Scratch.path("out")
    defer { try? FileManager.default.removeItem(atPath: log) }
    _ = FileManager.default.createFile(atPath: log, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
    p.standardOutput = handle
    p.standardError = handle
    try p.run()
    let deadline = Date().addingTimeInterval(limit)
    while p.isRunning && Date() < deadline { usleep(10_000) }
    let hung = p.isRunning
    if hung { p.terminate() }
    p.waitUntilExit()
    try handle.close()
    return AmsgaRun(
        status: p.terminationStatus, signalled: !hung && p.terminationReason == .uncaughtSignal, hung: hung,
        output: hung ? "" : (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
}

/// Runs amsga to its end: exit status and everything it printed.
func launchCapturing(_ args: [String]) throws -> (status: Int32, output: String) {
    let r = try runAmsga(args)
    return (r.status, r.output)
}

/// Runs amsga to the end; its exit status and standard error.
func runCapturingErrors(_ args: [String]) throws -> (status: Int32, stderr: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: amsgaExecutable()!)
    p.arguments = args
    p.standardOutput = FileHandle.nullDevice
    let err = Pipe()
    p.standardError = err
    try p.run()
    let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    return (p.terminationStatus, text)
}
