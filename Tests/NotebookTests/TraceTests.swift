import ForwardForward
import Foundation
import HDF5
import Notebook
import RunStore
import TestSupport
import Testing

@Suite("Committed traces stand in for cached runs", .serialized)
struct TraceTests {
    func runner(_ dir: String) throws -> NotebookRunner {
        let r = try NotebookRunner(trainingNotebook, outputs: dir)
        r.log = { _ in }
        return r
    }

    @Test("Without the cached run file (a fresh clone), the trace keeps the cells fresh and readable")
    func traceReplacesRun() throws {
        let dir = Scratch.path("trace")
        let first = try runner(dir)
        try first.run()
        #expect(first.executed == [0, 1])
        let entry = try #require(first.entry(0))
        let trace = entry.tracePath("tiny")
        #expect(RunFile.isComplete(path: trace))
        // The published copy is the entry's, byte for byte.
        #expect(FileManager.default.contents(atPath: first.tracePath("tiny")) == FileManager.default.contents(atPath: trace))
        let f = try HDF5File.open(trace)
        #expect(!f.root.contains("checkpoints"))
        let key = try f.root.attribute("cell_key").string
        try f.close()
        let runFile = try #require(first.availableRun(0, "tiny", entry: entry))
        let full = try RunFile.read(path: runFile)
        let copy = try RunFile.read(path: trace)
        #expect(runFile != trace && full.checkpoint != nil)
        #expect(copy.trace.count == 4 && copy.trace.map(\.meanLoss) == full.trace.map(\.meanLoss))
        #expect(copy.finalPerSample?.test == full.finalPerSample?.test && copy.checkpoint == nil)

        // An unfinished run of another configuration at the run's path is not taken for it.
        var other = full.config
        other.epochs = 99
        try RunFile.write(path: runFile, config: other, trace: [], checkpoint: nil)
        let meanwhile = try runner(dir)
        #expect(meanwhile.status(0).fresh)
        try meanwhile.run(target: 1, force: true)
        let state = try HDF5File.open(try #require(meanwhile.entry(1)).statePath)
        #expect(try state.root.attribute("output").string == "steps 4\n")
        try state.close()

        // What git holds: the entries with their traces, not the run file.
        try FileManager.default.removeItem(atPath: runFile)
        let second = try runner(dir)
        #expect(second.status(0).fresh && second.status(1).fresh)
        try second.run(target: 1, force: true)
        #expect(second.executed == [1])

        // A trace changed after it was written (here: claiming another run of
        // the cell) makes its entry untrusted.
        let g = try HDF5File.open(trace, writable: true)
        try g.root.setAttribute("cell_key", .string("0" + (key ?? "")))
        try g.close()
        let third = try runner(dir)
        #expect(
            third.status(0).reasons.first?.contains("traces/tiny.h5 changed after it was written") == true, "\(third.status(0).reasons)")
        try third.run()
        #expect(third.executed.first == 0)
        #expect(RunFile.isComplete(path: runFile))
    }
}

@Suite("Training cells in a log")
struct ProgressTests {
    @Test("Not on a terminal, a training cell prints plain progress lines (at every step when the interval is 0)")
    func plainProgress() throws {
        let dir = Scratch.path("progress")
        let r = try NotebookRunner(trainingNotebook, outputs: dir)
        var lines: [String] = []
        r.log = { lines.append($0) }
        r.progressInterval = 0
        r.progressOnTerminal = false
        try r.run(target: 0)
        let progress = lines.filter { $0.hasPrefix("  tiny: step ") }
        #expect(progress.count == 4, "\(lines)")
        #expect(progress.last?.hasPrefix("  tiny: step 4/4, loss ") == true && progress.last?.contains(" left") == true)
    }
}

@Suite("A training cell that diverges")
struct DivergingCellTests {
    @Test("fails visibly, is not cached, and says so again when run again")
    func notCached() throws {
        let dir = Scratch.path("diverge")
        let r = try NotebookRunner(divergingNotebook, outputs: dir)
        r.log = { _ in }
        let e = #expect(throws: DivergenceError.self) { try r.run() }
        #expect(e?.description.contains("diverged at step") == true)
        #expect(r.entry(0) == nil && r.status(0).reasons == ["output missing (never run)"])
        let again = try NotebookRunner(divergingNotebook, outputs: dir)
        again.log = { _ in }
        #expect(throws: DivergenceError.self) { try again.run() }
        // A learning rate that trains is cached as usual.
        let fine = try NotebookRunner(divergingNotebook, overrides: ["learningRate=0.03"], outputs: dir)
        fine.log = { _ in }
        try fine.run()
        #expect(fine.status(0).fresh)
    }
}

@Suite("An edited training cell re-keys without training", .serialized)
struct EditedTrainingCellTests {
    @Test(
        "In a clone (no run files), a training cell whose source changed reuses the committed trace of its run and records its training time"
    )
    func changedSourceReusesTrace() throws {
        let dir = try Scratch.folder("reuse")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try NotebookRunner(trainingNotebook, outputs: dir + "/outputs")
        first.log = { _ in }
        try first.run()
        let before = try #require(first.entry(0))
        let runFile = try #require(first.availableRun(0, "tiny", entry: before))
        let trained = try RunFile.read(path: runFile)
        try FileManager.default.removeItem(atPath: runFile)

        let copy = dir + "/TrainingNotebook.swift"
        let text = try String(contentsOfFile: trainingNotebook.file, encoding: .utf8)
        let edited = text.replacingOccurrences(
            of: "config.evalEvery = 2\n        try ctx.train(config, data: try syntheticSplit(), as: \"tiny\")",
            with: "config.evalEvery = 2  // edited\n        try ctx.train(config, data: try syntheticSplit(), as: \"tiny\")")
        #expect(edited != text)
        try edited.write(toFile: copy, atomically: true, encoding: .utf8)
        let second = try NotebookRunner(trainingNotebook.readingSource(from: copy), outputs: dir + "/outputs")
        var log: [String] = []
        second.log = { log.append($0) }
        #expect(second.status(0).reasons == ["source changed"])
        try second.run()
        #expect(second.executed == [0, 1])
        #expect(log.contains { $0.contains("tiny: the committed trace of this configuration's finished run is reused") }, "\(log)")
        #expect(!FileManager.default.fileExists(atPath: runFile), "nothing trained, so no run file was written")
        let after = try #require(second.entry(0))
        #expect(after.state.key != before.state.key)
        let trainingSeconds = trained.trace.map(\.wallSeconds).filter(\.isFinite).reduce(0, +)
        #expect(trainingSeconds > 0 && after.state.seconds >= trainingSeconds)
        let reused = try RunFile.read(path: after.tracePath("tiny"))
        #expect(reused.trace.map(\.meanLoss) == trained.trace.map(\.meanLoss) && reused.finalPerSample == trained.finalPerSample)
        #expect(second.status(1).fresh)
    }
    @Test("A run another notebook under the same outputs folder finished is read, not trained again; elsewhere it trains")
    func otherNotebooksFinishedRun() throws {
        let dir = Scratch.path("twin")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try NotebookRunner(trainingNotebook, outputs: dir + "/outputs")
        first.log = { _ in }
        try first.run()
        let firstEntry = try #require(first.entry(0))
        let trained = try RunFile.read(path: try #require(first.availableRun(0, "tiny", entry: firstEntry)))

        let twin = try NotebookRunner(trainingTwinNotebook, outputs: dir + "/outputs")
        var log: [String] = []
        twin.log = { log.append($0) }
        try twin.run()
        #expect(log.contains { $0.contains("twin: the committed trace of this configuration's finished run is reused") }, "\(log)")
        let runFiles = { (r: NotebookRunner) in
            ((try? FileManager.default.contentsOfDirectory(atPath: r.cacheDirectory + "/01-train-the-same/runs")) ?? []).filter {
                $0.hasSuffix(".run.h5")
            }
        }
        #expect(runFiles(twin).isEmpty, "nothing trained")
        let twinEntry = try #require(twin.entry(0))
        let copy = try RunFile.read(path: twinEntry.tracePath("twin"))
        #expect(copy.trace.map(\.meanLoss) == trained.trace.map(\.meanLoss) && copy.finalPerSample == trained.finalPerSample)

        let alone = try NotebookRunner(trainingTwinNotebook, outputs: dir + "/elsewhere")
        var aloneLog: [String] = []
        alone.log = { aloneLog.append($0) }
        try alone.run()
        #expect(!aloneLog.contains { $0.contains("is reused") }, "\(aloneLog)")
        #expect(runFiles(alone).count == 1)
    }
}
