import Datasets
import ForwardForward
import Foundation
import HDF5
import Notebook
import RunStore
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

@Suite("The command lines a sweep builds go through amsga's own parser")
struct CommandLineRoundTripTests {
    @Test("A point's amsga run: the notebook, -p, --threads, --outputs, --cell and --data each reach the run")
    func runArguments() throws {
        guard amsgaExecutable() != nil, let fashion = try? DataLocator().folder(for: .fashionMNIST) else {
            print("skipping: no amsga executable or no Fashion-MNIST")
            return
        }
        let dir = Scratch.path("args")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/data", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir + "/data/fashion-mnist", withDestinationPath: fashion)
        let args = RunArguments(
            notebook: "quickstart", overrides: ["evalSize=50", "seed=1", "trainSize=50"], threads: 1,
            outputs: dir + "/out", cell: "Data", dataDirectory: dir + "/data")
        let r = try runAmsga(args.arguments)
        #expect(r.status == 0, "\(r.output)")
        let cache = dir + "/out/quickstart/cache"
        let entries = try FileManager.default.contentsOfDirectory(atPath: cache + "/01-data").filter { !$0.hasPrefix(".") }
        #expect(entries.count == 1, "\(entries)")
        #expect(!FileManager.default.fileExists(atPath: cache + "/02-train-baseline"), "--cell Data ran only the data cell")
        let f = try HDF5File.open(cache + "/01-data/" + entries[0] + "/state.h5")
        defer { try? f.close() }
        let parameters = try f.root.attribute("parameters").string ?? ""
        #expect(
            parameters.contains("\"seed\":1") && parameters.contains("\"trainSize\":50") && parameters.contains("\"evalSize\":50"),
            "\(parameters)")
        #expect(try f.root.attribute("threads").int == 1)
        #expect(try f.root.attribute("data_sources").string?.contains("\"folder\":\"\(dir)/data/fashion-mnist\"") == true)
    }

    @Test("A cluster's gather amsga sweep parses: its grid, --jobs, --threads, --outputs, --cell and --data")
    func sweepArguments() throws {
        guard amsgaExecutable() != nil else {
            print("skipping: no amsga executable")
            return
        }
        let dir = Scratch.path("args")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let args = SweepArguments(
            notebook: "quickstart", grid: ["seed=0,1"], jobs: 1, threads: 1, outputs: dir, cell: "Data",
            dataDirectory: dir + "/data")
        let r = try runAmsga(args.arguments + ["--dry-run"])
        #expect(r.status == 0, "\(r.output)")
        #expect(r.output.contains("2 points") && r.output.contains("seed=0") && r.output.contains("seed=1"), "\(r.output)")
    }
}
