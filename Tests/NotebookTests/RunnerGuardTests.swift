import Foundation
import Notebook
import TestSupport
import Testing

@Suite("Locks left by killed runs")
struct StaleLockTests {
    @Test("A parameter set's lock whose holder died is taken over with a message; a cleanly ended run leaves nothing to report")
    func takenOver() throws {
        let box = try Sandbox()
        let r = try box.runner()
        var lines: [String] = []
        r.log = { lines.append($0) }
        try r.run()
        #expect(!lines.contains { $0.contains("ended without releasing") })
        // A process that is gone, as the lock's recorded holder.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run()
        p.waitUntilExit()
        try Data("\(p.processIdentifier)\n".utf8).write(to: URL(fileURLWithPath: r.cacheDirectory + "/.locks/set-defaults.lock"))
        let again = try box.runner()
        var notes: [String] = []
        again.log = { notes.append($0) }
        try again.run()
        #expect(notes.contains { $0.contains("(pid \(p.processIdentifier)) ended without releasing it (killed?); taken over") }, "\(notes)")
    }
}

/// A misspelt cell or one declared below its reader does not compile (`CompileTimeChecksTests`).
@Suite("Reading an earlier cell's run")
struct ReferenceTests {
    @Test("Reading the run of a cell that trains none, or several, is an error naming its runs")
    func onlyRun() throws {
        let dir = Scratch.path("runs")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func message(_ notebook: Notebook) throws -> String? {
            let r = try NotebookRunner(notebook, outputs: dir)
            r.log = { _ in }
            do { try r.run() } catch { return "\(error)" }
            return nil
        }
        #expect(try message(twoRunsNotebook) == "cell 1 trained the runs plain, slow; ctx.run(from:) reads a cell that trains one")
        #expect(try message(noRunNotebook) == "cell 1 trained no run; ctx.run(from:) reads a cell that trains one")
    }
}

@Suite("Configurations are checked before any cell runs")
struct CheckBeforeRunningTests {
    @Test("run refuses a parameter set whose training configuration is wrong, naming the cell, the set and the field; nothing runs")
    func runRefuses() throws {
        let dir = Scratch.path("checked")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try NotebookRunner(checkedNotebook, overrides: ["mining=true"], outputs: dir)
        r.log = { _ in }
        do {
            try r.run()
            Issue.record("run did not refuse")
        } catch {
            #expect(
                "\(error)".hasPrefix(
                    "notebook 'checked', cell 2 (Train) with mining=true: configuration parameter 'negativeMining': needs order 'interleaved'"
                ), "\(error)")
            #expect("\(error)".hasSuffix("; nothing was run"))
        }
        #expect(r.executed.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: dir + "/checked/cache/01-before"))
    }

    @Test("A sweep with one wrong point refuses before any point runs")
    func sweepRefuses() throws {
        let dir = Scratch.path("checked")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var options = Sweep.Options(executable: "/bin/false")
        options.outputs = dir
        let sweep = try Sweep(
            checkedNotebook, grid: try ParameterGrid(notebook: checkedNotebook, options: ["mining=false,true"]), options: options)
        #expect(throws: NotebookError.self) { try sweep.plan() }
        #expect(sweep.points.allSatisfy { $0.outcome == nil })
        #expect(!FileManager.default.fileExists(atPath: dir + "/checked/cache/01-before"))
    }
}
