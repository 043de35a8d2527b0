import Foundation
import Notebook
import RunStore
import TestSupport
import Testing

/// The `amsga` executable SwiftPM built beside this test bundle (`swift test` builds every product).
enum AmsgaBinary {
    static var path: String {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("amsga").path
    }

    /// Runs amsga to its end: exit status and everything it printed.
    @discardableResult
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw ShellError(description: "\(path) is missing: build the package (`swift build -c release`) first")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// Tiny quickstart points: a few epochs on 100 Fashion-MNIST images.
let tinyQuickstart = ["-p", "trainSize=100", "-p", "evalSize=100"]

/// Every run file under `outputs` (named by its configuration's hash), read.
func runFiles(_ outputs: String) throws -> [String: RunContents] {
    var found: [String: RunContents] = [:]
    for case let f as String in FileManager.default.enumerator(atPath: outputs)! where f.hasSuffix(".run.h5") {
        found[(f as NSString).lastPathComponent] = try RunFile.read(path: outputs + "/" + f)
    }
    return found
}

/// Whether two sets of runs hold the same configurations with bit-identical weights and accuracies.
func expectIdentical(_ a: [String: RunContents], _ b: [String: RunContents], count: Int) {
    #expect(a.count == count && Set(a.keys) == Set(b.keys))
    for (name, run) in a {
        guard let other = b[name] else { continue }
        #expect(run.checkpoint != nil && run.checkpoint == other.checkpoint, "\(name): weights differ")
        #expect(run.finalPerSample == other.finalPerSample && run.finalBatch == other.finalBatch, "\(name)")
        #expect(run.trace.map(\.meanLoss.bitPattern) == other.trace.map(\.meanLoss.bitPattern), "\(name)")
    }
}

@Suite("Sweeps run grids of parameter sets as processes", .serialized)
struct SweepTests {
    @Test("--jobs 2 gives results bit-identical to --jobs 1 at the same threads per point")
    func jobsAgree() throws {
        let one = Scratch.path("jobs1")
        let two = Scratch.path("jobs2")
        let grid = ["sweep", "quickstart", "-p", "seed=0,1", "-p", "epochs=2,4"] + tinyQuickstart + ["--threads", "1"]
        let a = try AmsgaBinary.run(grid + ["--jobs", "1", "--outputs", one])
        let b = try AmsgaBinary.run(grid + ["--jobs", "2", "--outputs", two])
        #expect(a.status == 0 && b.status == 0, "\(a.output)\n\(b.output)")
        #expect(b.output.contains("4 points, 0 cached, 4 to run, 2 at a time with 1 thread each"))
        expectIdentical(try runFiles(one), try runFiles(two), count: 8)  // 4 points × (baseline, AMSGA)
        // Run again: everything is cached, nothing runs.
        let again = try AmsgaBinary.run(grid + ["--jobs", "2", "--outputs", two])
        #expect(again.status == 0 && again.output.contains("4 points, 4 cached, 0 to run"), "\(again.output)")
    }

    @Test("A killed sweep, run again, runs only the points it had not finished")
    func killedSweep() throws {
        let out = Scratch.path("killed")
        let args =
            ["sweep", "quickstart", "-p", "seed=0..2", "-p", "epochs=4"] + tinyQuickstart
            + ["--jobs", "1", "--threads", "1", "--outputs", out]
        let p = Process()
        p.executableURL = URL(fileURLWithPath: AmsgaBinary.path)
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Stop it once the first point has finished (its last cell has an entry).
        let figures = out + "/quickstart/cache/05-figures"
        func finished() -> Int {
            ((try? FileManager.default.contentsOfDirectory(atPath: figures)) ?? []).filter { !$0.hasPrefix(".") }.count
        }
        let deadline = Date().addingTimeInterval(120)
        while finished() == 0 && Date() < deadline && p.isRunning { Thread.sleep(forTimeInterval: 0.05) }
        p.terminate()
        p.waitUntilExit()
        let done = finished()
        #expect(done >= 1 && done < 3, "the sweep finished \(done) points before it was stopped")
        let rerun = try AmsgaBinary.run(args)
        #expect(rerun.status == 0, "\(rerun.output)")
        #expect(rerun.output.contains("3 points, \(done) cached, \(3 - done) to run"), "\(rerun.output)")
        #expect(finished() == 3)
    }

    @Test(
        "A sweep killed (SIGKILL, with its points) at 4 moments, or a point killed inside its entry commit, completes when run again, bit-identical"
    )
    func sweepKillTrials() throws {
        let args = ["sweep", "quickstart", "-p", "seed=0,1", "-p", "epochs=4"] + tinyQuickstart + ["--jobs", "2", "--threads", "1"]
        let whole = Scratch.path("sweep-whole")
        let start = Date()
        let w = try AmsgaBinary.run(args + ["--outputs", whole])
        #expect(w.status == 0, "\(w.output)")
        let duration = Date().timeIntervalSince(start)
        let expected = try runFiles(whole)
        for k in 1...5 {
            let out = Scratch.path("sweep-kill\(k)")
            let p = Process()
            p.executableURL = URL(fileURLWithPath: AmsgaBinary.path)
            p.arguments = args + ["--outputs", out]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            if k == 5 { p.environment = ProcessInfo.processInfo.environment.merging(["AMSGA_FAULT": "entry-commit:2"]) { $1 } }
            try p.run()
            if k < 5 {
                Thread.sleep(forTimeInterval: duration * Double(k) / 5)
                // The whole job, as a batch system or the OOM killer would end it: the sweep and the points it started.
                let children = childProcesses(of: p.processIdentifier)
                kill(p.processIdentifier, SIGKILL)
                for c in children { kill(c, SIGKILL) }
            }
            p.waitUntilExit()
            let again = try AmsgaBinary.run(args + ["--outputs", out])
            #expect(again.status == 0, "trial \(k): \(again.output)")
            expectIdentical(try runFiles(out), expected, count: 4)
        }
    }

    @Test("A failing point is reported with its log while the others complete")
    func failingPoint() throws {
        let out = Scratch.path("failing")
        // Point seed=1 fails: its parameter set is held, as by a run in progress.
        try FileManager.default.createDirectory(atPath: out + "/quickstart/cache", withIntermediateDirectories: true)
        let held = try NotebookLock(
            cache: out + "/quickstart/cache", notebook: "quickstart",
            parameterSet: ["epochs=2", "evalSize=100", "seed=1", "trainSize=100"])
        defer { held.release() }
        let r = try AmsgaBinary.run(
            ["sweep", "quickstart", "-p", "seed=0,1", "-p", "epochs=2"] + tinyQuickstart
                + ["--jobs", "2", "--threads", "1", "--outputs", out])
        #expect(r.status == 1)
        #expect(r.output.contains("seed=1 epochs=2 trainSize=100 evalSize=100: FAILED (exit 1); log: "), "\(r.output)")
        #expect(r.output.contains("in progress (pid \(getpid()))"))
        #expect(r.output.contains("| 0 | 2 | 100 | 100 | ran, "))
        #expect(r.output.contains("1 of 2 points failed: seed=1 epochs=2 trainSize=100 evalSize=100"))
        #expect(try runFiles(out).count == 2)
    }

    @Test(
        "Bad grid syntax is refused before anything runs, naming the parameter",
        arguments: [
            ("seed=", "parameter 'seed' has no values"),
            ("seed=a..b", "range 'a..b' of parameter 'seed' needs whole numbers at both ends"),
            ("sead=1", "notebook 'quickstart' has no parameter 'sead'"),
        ])
    func badGrid(option: String, message: String) throws {
        let out = Scratch.path("bad")
        let r = try AmsgaBinary.run(["sweep", "quickstart", "-p", option, "--outputs", out])
        #expect(r.status == 64 && r.output.contains(message), "\(r.output)")
        #expect(!FileManager.default.fileExists(atPath: out + "/quickstart/sweeps"))
    }
}

/// The processes whose parent is `pid` (from /proc).
func childProcesses(of pid: Int32) -> [Int32] {
    ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { Int32($0) }.filter { child in
        guard let stat = try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 1 && Int32(fields[1]) == pid
    }
}
