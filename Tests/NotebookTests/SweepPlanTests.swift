import ForwardForward
import Foundation
import Notebook
import RunStore
import TestSupport
import Testing

@Suite("A sweep's dry run: what is cached, what would run, what would resume", .serialized)
struct SweepPlanTests {
    func sweep(_ grid: [String], outputs: String) throws -> Sweep {
        var options = Sweep.Options(executable: "/nonexistent/amsga")  // a dry run starts no process
        options.outputs = outputs
        options.cell = "Train"
        return try Sweep(trainingNotebook, grid: try ParameterGrid(notebook: trainingNotebook, options: grid), options: options)
    }

    @Test("plan() marks the cached points and names why the others would run; the table shows what is cached so far")
    func plan() throws {
        let out = Scratch.path("plan")
        let cached = try NotebookRunner(trainingNotebook, overrides: ["epochs=2"], outputs: out)
        cached.log = { _ in }
        try cached.run()
        let s = try sweep(["epochs=2,4"], outputs: out)
        let toRun = try s.plan()
        #expect(toRun.map(\.index) == [1])
        #expect(toRun.first?.reasons.first?.contains("epochs changed (2 → 4)") == true, "\(toRun)")
        #expect(s.points[0].outcome == .cached && s.points[1].outcome == nil)
        let (_, rows) = try s.summary()
        #expect(rows.count == 2 && rows[0][1] == "cached" && rows[0][2].hasSuffix("%"), "\(rows)")
        #expect(rows[1][1] == "not run" && rows[1][2] == "—", "\(rows)")
        // Nothing ran: one run file (the cached point's) and no entry for epochs=4.
        let runs = out + "/training/cache/01-train/runs"
        #expect(try FileManager.default.contentsOfDirectory(atPath: runs).filter { $0.hasSuffix(".run.h5") }.count == 1)
        #expect(try sweep(["epochs=4"], outputs: out).plan().count == 1)
    }

    @Test("An interrupted run is listed with its progress and checkpoint, and as training while its lock is held")
    func unfinishedRuns() throws {
        let out = Scratch.path("unfinished")
        let s = try sweep(["epochs=4"], outputs: out)
        #expect(try s.unfinishedRuns().isEmpty)
        // What a run killed after its third step leaves: a checkpoint every 2 steps, so the file of step 2.
        var config = FFConfiguration.baseline(.mnist)
        config.layerSizes = [784, 12]
        config.epochs = 4
        config.evalEvery = 2
        let trainer = try FFTrainer(config: config, data: try syntheticSplit())
        let runs = out + "/training/cache/01-train/runs"
        try FileManager.default.createDirectory(atPath: runs, withIntermediateDirectories: true)
        let path = runs + "/tiny-0123456789abcdef.run.h5"
        let recorder = try RunRecorder(path: path, checkpointEvery: 2, resumingFrom: nil)
        for _ in 0..<3 {
            _ = trainer.step()
            try recorder.record(trainer)
        }
        try recorder.waitForPublishing()
        let listed = try s.unfinishedRuns()
        #expect(listed.count == 1 && listed.first?.file.path == path && listed.first?.training == false)
        let expected = RunFile.Progress(stepsTraced: 2, totalSteps: trainer.totalSteps, lastCheckpoint: 2, finished: false)
        #expect(listed.first?.file.progress == expected)
        #expect(expected.description == "step 2 of \(trainer.totalSteps) traced, checkpoint at step 2")

        let fd = open(path + ".lock", O_RDWR | O_CREAT, 0o644)
        defer { close(fd) }
        #expect(flock(fd, LOCK_EX) == 0)
        #expect(try s.unfinishedRuns().first?.training == true)
        flock(fd, LOCK_UN)
        #expect(try s.unfinishedRuns().first?.training == false)

        // A file that is not a run file is listed without progress (its run would start over); a finished run is not listed.
        try Data("not HDF5".utf8).write(to: URL(fileURLWithPath: runs + "/torn-0123456789abcdef.run.h5"))
        while !trainer.finished { _ = trainer.step() }
        try recorder.record(trainer, final: trainer.evaluate())
        let left = try s.unfinishedRuns()
        #expect(
            left.count == 1 && left.first?.file.path.hasSuffix("/torn-0123456789abcdef.run.h5") == true && left.first?.file.progress == nil)
        #expect(RunFile.progress(path: path)?.finished == true)
    }

    @Test("amsga sweep --dry-run runs nothing and says so; with --slurm it is refused")
    func dryRunCommand() throws {
        let out = Scratch.path("dry")
        let r = try AmsgaBinary.run(
            ["sweep", "quickstart", "-p", "seed=0,1", "-p", "epochs=2"] + tinyQuickstart
                + ["--cell", "2", "--dry-run", "--outputs", out])
        #expect(r.status == 0, "\(r.output)")
        #expect(r.output.contains("sweep quickstart (dry run, nothing run): 2 points, 0 cached, 2 would run"), "\(r.output)")
        #expect(r.output.contains("  to run   seed=1 epochs=2 trainSize=100 evalSize=100: "), "\(r.output)")
        #expect(r.output.contains("| 1 | 2 | 100 | 100 | not run |"), "\(r.output)")
        // The runner makes the (empty) cache folder, as `amsga status` does; no cell's folder, no run file.
        #expect(
            ((try? FileManager.default.contentsOfDirectory(atPath: out + "/quickstart/cache")) ?? []).filter { !$0.hasPrefix(".") }.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: out + "/quickstart/sweeps"))
        let slurm = try AmsgaBinary.run(["sweep", "quickstart", "-p", "seed=0,1", "--dry-run", "--slurm", "--outputs", out])
        #expect(slurm.status == 64 && slurm.output.contains("--dry-run runs nothing and writes no Slurm scripts"), "\(slurm.output)")
    }
}
