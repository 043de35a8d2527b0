import Datasets
import ForwardForward
import Foundation
import HDF5
import Notebook
import RunStore
import TestSupport
import Testing

@Suite("amsga train --out / --resume, through the executable", .serialized)
struct CommandLineTests {
    @Test("inspect summarises a notebook's cell state file: cell, parameters, tensors")
    func inspectCellFile() throws {
        // The committed entry of the quickstart's first cell.
        let cell = FileManager.default.currentDirectoryPath + "/outputs/quickstart/cache/01-data"
        let entry = try #require(try FileManager.default.contentsOfDirectory(atPath: cell).first { !$0.hasPrefix(".") && $0 != "runs" })
        let path = cell + "/" + entry + "/state.h5"
        let exe = try #require(amsgaExecutable())
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = ["inspect", path]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect(text.contains("cell 1 'Data' of notebook quickstart"), "\(text)")
        #expect(text.contains("tensor "), "\(text)")
        #expect(!text.contains("format is"), "\(text)")
    }

    @Test("status --check fails on a cell that has not run; --cell checks only the cells named")
    func statusCheckCells() throws {
        guard amsgaExecutable() != nil, (try? DataLocator().folder(for: .fashionMNIST)) != nil else { return }
        let dir = Scratch.path("status")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let small = ["-p", "epochs=2", "-p", "trainSize=50", "-p", "evalSize=50", "--outputs", dir]
        #expect(try runAmsga(["run", "quickstart", "--cell", "Data"] + small).status == 0)
        let all = try runAmsga(["status", "quickstart", "--check"] + small)
        #expect(all.status == 1 && all.output.contains("4 of 5 cells stale"), "\(all.output)")
        let data = try runAmsga(["status", "quickstart", "--check", "--cell", "Data"] + small)
        #expect(data.status == 0 && data.output.contains("[1] Data: fresh") && !data.output.contains("[2]"), "\(data.output)")
        let train = try runAmsga(["status", "quickstart", "--check", "--cell", "Data", "--cell", "3"] + small)
        #expect(train.status == 1 && train.output.contains("1 of 2 cells stale"), "\(train.output)")
    }

    @Test("A runtime error prints the error alone; a malformed command line prints the usage too")
    func errorsAlone() throws {
        guard amsgaExecutable() != nil else { return }
        let runtime = try runCapturingErrors(["status", "no-such-notebook"])
        #expect(runtime.status != 0)
        #expect(runtime.stderr.contains("no-such-notebook"), "\(runtime.stderr)")
        #expect(!runtime.stderr.contains("Usage:"), "\(runtime.stderr)")
        let malformed = try runCapturingErrors(["train", "--no-such-option"])
        #expect(malformed.status != 0)
        #expect(malformed.stderr.contains("Usage:"), "\(malformed.stderr)")
    }

    @Test(
        "Killed with SIGKILL while training, then resumed: bit-identical to an uninterrupted run",
        arguments: ["amsga", "baseline"])
    func killAndResume(kind: String) throws {
        guard let exe = amsgaExecutable(), let preset = availablePreset(kind) else {
            print("skipping: no amsga executable or no dataset")
            return
        }
        _ = exe
        let dir = try Scratch.folder("kill")
        let epochs = kind == "amsga" ? 60 : 30  // the baseline's are per layer: 60 steps either way
        let common = [
            "train", "--preset", preset, "--train-size", "400", "--eval-size", "100", "--epochs", "\(epochs)",
            "--eval-every", "20", "--checkpoint-every", "5", "--threads", "1",
        ]
        try runToEnd(common + ["--out", dir + "/whole.h5"])

        let p = try launch(common + ["--out", dir + "/killed.h5"])
        var killedAt = -1
        let deadline = Date().addingTimeInterval(120)
        while p.isRunning && Date() < deadline {
            if let r = try? RunFile.read(path: dir + "/killed.h5"), r.trace.count >= 37 {
                kill(p.processIdentifier, SIGKILL)
                killedAt = r.trace.count
                break
            }
            usleep(20_000)
        }
        p.waitUntilExit()
        try #require(killedAt > 0 && p.terminationReason == .uncaughtSignal, "the run ended before it could be killed")
        let partial = try RunFile.read(path: dir + "/killed.h5")
        #expect(partial.trace.count < 60 && partial.finalPerSample == nil)
        // At most the epochs since the last checkpoint are lost.
        #expect(partial.checkpoint!.stepsDone >= (killedAt / 5) * 5)

        try runToEnd(["train", "--resume", dir + "/killed.h5"])
        let whole = try RunFile.read(path: dir + "/whole.h5")
        let resumed = try RunFile.read(path: dir + "/killed.h5")
        #expect(resumed.checkpoint!.stepsDone == 60)
        #expect(resumed.checkpoint == whole.checkpoint)
        #expect(sameTrace(resumed.trace, whole.trace))
        #expect(resumed.finalPerSample?.test == whole.finalPerSample?.test)
    }

    @Test("inspect --write-trace writes the run without its checkpoints, and refuses to overwrite the run it reads")
    func writeTrace() throws {
        guard amsgaExecutable() != nil, let preset = availablePreset("amsga") else {
            print("skipping: no amsga executable or no dataset")
            return
        }
        let dir = try Scratch.folder("trace")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try runToEnd([
            "train", "--preset", preset, "--train-size", "300", "--eval-size", "100", "--epochs", "4",
            "--eval-every", "2", "--weight-decay", "0.01", "--negative-labels", "shuffledExcludingTrue",
            "--no-schedule", "--learning-rate-decay", "linearSecondHalf", "--peer-normalisation", "0.03",
            "--optimiser", "smoothedSGD", "--out", dir + "/run.h5",
        ])
        let r = try runAmsga(["inspect", dir + "/run.h5", "--write-trace", dir + "/trace.h5"])
        #expect(
            r.status == 0
                && r.output.contains("linearSecondHalf decay, weight decay 0.01, peer normalisation ρ 0.03, optimiser smoothedSGD"),
            "\(r.output)")
        let run = try RunFile.read(path: dir + "/run.h5")
        let trace = try RunFile.read(path: dir + "/trace.h5")
        #expect(run.config.weightDecay == 0.01 && run.config.negativeLabels == .shuffledExcludingTrue)
        #expect(run.config.optimiser == .smoothedSGD)
        #expect(run.config.peerNormalisation == 0.03 && run.checkpoint?.peerMeans.count == run.config.weightLayerCount)
        // Hinton's decay over 4 epochs: η0, η0, then (1 + 2(4 − e))/4 of it.
        let eta0 = run.config.learningRate
        #expect(run.trace.map(\.learningRate) == [eta0, eta0, eta0 * 3 / 4, eta0 / 4])
        #expect(run.checkpoint != nil && trace.checkpoint == nil)
        #expect(trace.config == run.config && sameTrace(trace.trace, run.trace))
        #expect(trace.finalPerSample == run.finalPerSample && trace.attributes["git_commit"] == run.attributes["git_commit"])
        let small = try FileManager.default.attributesOfItem(atPath: dir + "/trace.h5")[.size] as? Int ?? .max
        let large = try FileManager.default.attributesOfItem(atPath: dir + "/run.h5")[.size] as? Int ?? 0
        #expect(small < large)
        let same = try runAmsga(["inspect", dir + "/run.h5", "--write-trace", dir + "/./run.h5"])
        #expect(same.status != 0 && same.output.contains("would replace the run file"), "\(same.output)")
        #expect(try RunFile.read(path: dir + "/run.h5").checkpoint != nil)
    }

    @Test("h5py reads a trace written by amsga train: names, shapes, the epoch scale")
    func h5pyReadsTrace() throws {
        let python = "/usr/bin/python3"
        guard amsgaExecutable() != nil, let preset = availablePreset("amsga"),
            FileManager.default.isExecutableFile(atPath: python)
        else {
            print("skipping: no amsga executable, dataset or \(python)")
            return
        }
        let path = Scratch.path("h5py") + ".h5"
        try runToEnd([
            "train", "--preset", preset, "--train-size", "300", "--eval-size", "100", "--epochs", "6",
            "--eval-every", "3", "--out", path,
        ])
        let script = """
            import h5py, json, sys
            f = h5py.File(sys.argv[1], 'r')
            run = json.loads(f.attrs['parameters'])['name']
            g = f['traces/' + run]
            print(json.dumps({
                'run': run, 'complete': int(f.attrs['complete']), 'names': sorted(g.keys()),
                'epochs': g['epoch'][:].tolist(), 'loss_shape': list(g['loss'].shape),
                'loss_scales': [list(g['loss'].dims[0].keys())[0], list(g['loss'].dims[1].keys())[0]],
                'scale_path': g['loss'].dims[0][0].name,
                'lr_scale': list(g['learning_rate'].dims[0].keys())[0], 'lr_units': g['learning_rate'].attrs.get('description', ''),
                'checkpoint_layers': list(f['checkpoints/' + run + '/epoch_00006'].attrs['layer_names']),
                'weight_shape': list(f['checkpoints/' + run + '/epoch_00006/layer1/weight'].shape),
            }))
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = ["-c", script, path]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            print("skipping: h5py not importable by \(python)")
            return
        }
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["run"] as? String == preset)
        #expect(json["complete"] as? Int == 1)
        let names = json["names"] as? [String] ?? []
        for n in [
            "epoch", "layer", "loss", "theta", "learning_rate", "stage", "band_radius", "kept_band",
            "accuracy_per_sample_validation", "accuracy_batch_test", "grad_norm", "wall_seconds",
        ] {
            #expect(names.contains(n), "trace lacks \(n)")
        }
        #expect(json["epochs"] as? [Int] == Array(1...6))
        #expect(json["loss_shape"] as? [Int] == [6, 3])
        #expect(json["loss_scales"] as? [String] == ["epoch", "layer"])
        #expect(json["lr_scale"] as? String == "epoch")
        #expect(json["scale_path"] as? String == "/traces/\(preset)/epoch")
        #expect(json["checkpoint_layers"] as? [String] == ["layer1", "layer2", "layer3"])
        #expect((json["weight_shape"] as? [Int])?.count == 2)
    }
}
