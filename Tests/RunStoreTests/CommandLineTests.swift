import Foundation
import Testing
import Datasets
import ForwardForward
import RunStore

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

func launch(_ args: [String]) throws -> Process {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: amsgaExecutable()!)
    p.arguments = args
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

    @Test("Killed with SIGKILL while training, then resumed: bit-identical to an uninterrupted run",
          arguments: ["amsga", "baseline"])
    func killAndResume(kind: String) throws {
        guard let exe = amsgaExecutable(), let preset = availablePreset(kind) else {
            print("skipping: no amsga executable or no dataset"); return
        }
        _ = exe
        let dir = NSTemporaryDirectory() + "amsga-kill-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let epochs = kind == "amsga" ? 60 : 30  // the baseline's are per layer: 60 steps either way
        let common = ["train", "--preset", preset, "--train-size", "400", "--eval-size", "100", "--epochs", "\(epochs)",
                      "--eval-every", "20", "--checkpoint-every", "5", "--threads", "1"]
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

    @Test("h5py reads a trace written by amsga train: names, shapes, the epoch scale")
    func h5pyReadsTrace() throws {
        let python = "/usr/bin/python3"
        guard amsgaExecutable() != nil, let preset = availablePreset("amsga"),
              FileManager.default.isExecutableFile(atPath: python) else {
            print("skipping: no amsga executable, dataset or \(python)"); return
        }
        let path = NSTemporaryDirectory() + "amsga-h5py-" + UUID().uuidString + ".h5"
        try runToEnd(["train", "--preset", preset, "--train-size", "300", "--eval-size", "100", "--epochs", "6",
                      "--eval-every", "3", "--out", path])
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
        guard p.terminationStatus == 0 else { print("skipping: h5py not importable by \(python)"); return }
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["run"] as? String == preset)
        #expect(json["complete"] as? Int == 1)
        let names = json["names"] as? [String] ?? []
        for n in ["epoch", "layer", "loss", "theta", "learning_rate", "stage", "band_radius", "kept_band",
                  "accuracy_per_sample_validation", "accuracy_batch_test", "grad_norm", "wall_seconds"] {
            #expect(names.contains(n), "trace lacks \(n)")
        }
        #expect(json["epochs"] as? [Int] == Array(1 ... 6))
        #expect(json["loss_shape"] as? [Int] == [6, 3])
        #expect(json["loss_scales"] as? [String] == ["epoch", "layer"])
        #expect(json["lr_scale"] as? String == "epoch")
        #expect(json["scale_path"] as? String == "/traces/\(preset)/epoch")
        #expect(json["checkpoint_layers"] as? [String] == ["layer1", "layer2", "layer3"])
        #expect((json["weight_shape"] as? [Int])?.count == 2)
    }
}

@Suite("amsga run: a notebook killed inside a training cell", .serialized)
struct NotebookKillTests {
    @Test("SIGKILL during the AMSGA cell, then run again: it resumes inside the cell and matches an uninterrupted run")
    func killNotebook() throws {
        guard amsgaExecutable() != nil, (try? DataLocator().folder(for: .fashionMNIST)) != nil else {
            print("skipping: no amsga executable or no Fashion-MNIST"); return
        }
        let dir = NSTemporaryDirectory() + "amsga-nbkill-" + UUID().uuidString
        let params = ["-p", "epochs=40", "-p", "trainSize=400", "-p", "evalSize=100"]
        try runToEnd(["run", "quickstart", "--outputs", dir + "/whole"] + params)

        let p = try launch(["run", "quickstart", "--outputs", dir + "/killed"] + params)
        // Run files are named by their configuration's hash: the one AMSGA run file.
        func runFile(_ outputs: String) -> String? {
            let runs = outputs + "/quickstart/cache/03-train-amsga/runs"
            return ((try? FileManager.default.contentsOfDirectory(atPath: runs)) ?? []).first { $0.hasSuffix(".run.h5") }.map { runs + "/" + $0 }
        }
        var killedAt = -1
        let deadline = Date().addingTimeInterval(180)
        while p.isRunning && Date() < deadline {
            if let f = runFile(dir + "/killed"), let r = try? RunFile.read(path: f), r.trace.count >= 15 {
                kill(p.processIdentifier, SIGKILL)
                killedAt = r.trace.count
                break
            }
            usleep(20_000)
        }
        p.waitUntilExit()
        try #require(killedAt > 0, "the notebook finished before it could be killed")
        try runToEnd(["run", "quickstart", "--outputs", dir + "/killed"] + params)
        let whole = try RunFile.read(path: try #require(runFile(dir + "/whole")))
        let resumed = try RunFile.read(path: try #require(runFile(dir + "/killed")))
        #expect(resumed.checkpoint == whole.checkpoint)
        #expect(sameTrace(resumed.trace, whole.trace))
        #expect(resumed.finalBatch?.test == whole.finalBatch?.test)
    }
}

@Suite("amsga run killed at moments spread over a whole notebook", .serialized)
struct NotebookKillTrials {
    /// Every SVG, the final run files' weights and traces, and each cell's printed output.
    func outcome(_ outputs: String) throws -> [String: String] {
        var found: [String: String] = [:]
        let root = outputs + "/quickstart"
        for case let f as String in FileManager.default.enumerator(atPath: root)! {
            let path = root + "/" + f
            if f.hasSuffix(".svg") && !f.hasPrefix("cache/") {
                found[f] = String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
            } else if f.hasSuffix(".run.h5") {
                let r = try RunFile.read(path: path)
                found[(f as NSString).lastPathComponent] = "\(r.checkpoint.map { "\($0)" } ?? "none") \(r.trace.map { $0.meanLoss.bitPattern })"
            }
        }
        return found
    }

    @Test("SIGKILL at six moments, each followed by a complete run: figures and runs bit-identical to an uninterrupted run")
    func trials() throws {
        guard amsgaExecutable() != nil, (try? DataLocator().folder(for: .fashionMNIST)) != nil else {
            print("skipping: no amsga executable or no Fashion-MNIST"); return
        }
        let dir = NSTemporaryDirectory() + "amsga-killtrials-" + UUID().uuidString
        let params = ["-p", "epochs=24", "-p", "trainSize=300", "-p", "evalSize=100", "--threads", "1"]
        let start = Date()
        try runToEnd(["run", "quickstart", "--outputs", dir + "/whole"] + params)
        let whole = try outcome(dir + "/whole"), duration = Date().timeIntervalSince(start)
        #expect(whole.count == 12, "\(whole.keys.sorted())")  // 10 figures, 2 run files
        var killed = 0
        for k in 1 ... 6 {
            let out = dir + "/trial\(k)"
            let p = try launch(["run", "quickstart", "--outputs", out] + params)
            usleep(useconds_t(duration * Double(k) / 7 * 1e6))
            if p.isRunning { kill(p.processIdentifier, SIGKILL); killed += 1 }
            p.waitUntilExit()
            try runToEnd(["run", "quickstart", "--outputs", out] + params)
            #expect(try outcome(out) == whole, "trial \(k): killed after \(Int(Double(k) / 7 * 100))% of a whole run")
        }
        #expect(killed >= 4, "only \(killed) of 6 runs were still running when killed")
    }
}

@Suite("Data provenance", .serialized)
struct DataProvenanceTests {
    @Test("train prints and records the folder and digests it read; resuming on changed data is refused, naming the file")
    func recorded() throws {
        guard amsgaExecutable() != nil, let folder = try? DataLocator().folder(for: .fashionMNIST) else {
            print("skipping: no amsga executable or no Fashion-MNIST"); return
        }
        // A private copy of the dataset, so that it can be changed.
        let root = NSTemporaryDirectory() + "amsga-provenance-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root + "/fashion-mnist", withIntermediateDirectories: true)
        for part in DatasetName.Part.allCases {
            let file = try #require(DataLocator.file(part, in: folder))
            try FileManager.default.copyItem(atPath: file, toPath: root + "/fashion-mnist/" + (file as NSString).lastPathComponent)
        }
        let run = root + "/run.h5"
        let args = ["train", "--preset", "baseline-fashion", "--epochs", "2", "--train-size", "60", "--eval-size", "20", "--threads", "1", "--data", root]
        let p = try launchCapturing(args + ["--out", run])
        #expect(p.status == 0 && p.output.contains("data: fashion-mnist read from \(root)/fashion-mnist (4 files; SHA-256 matches the published digests)"), "\(p.output)")
        let recorded = try #require(try RunFile.read(path: run).attributes["data_source"]?.string)
        #expect(recorded.contains("\"folder\":\"\(root)/fashion-mnist\"") && recorded.contains("\"published\":true"), "\(recorded)")

        // Two test labels swapped: still a valid file, no longer the data the run started on.
        let labels = try #require(DataLocator.file(.testLabels, in: root + "/fashion-mnist"))
        var idx = try IDXArray.read(path: labels)
        idx.bytes.swapAt(0, 1)
        try FileManager.default.removeItem(atPath: labels)
        try idx.write(path: labels)
        let resumed = try launchCapturing(["train", "--resume", run, "--threads", "1", "--data", root])
        #expect(resumed.status == 1 && resumed.output.contains("was trained on other data: \(labels) is not the file it started with"), "\(resumed.output)")
    }
}

/// Runs amsga to its end: exit status and everything it printed.
func launchCapturing(_ args: [String]) throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: amsgaExecutable()!)
    p.arguments = args
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    try p.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    return (p.terminationStatus, text)
}

@Suite("A full disk", .serialized)
struct FullDiskTests {
    func sh(_ command: String) -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }

    @Test("A run file that no longer fits: an error naming it and the cause, exit 1, no crash, the previous version intact")
    func fullDisk() throws {
        guard amsgaExecutable() != nil, (try? DataLocator().folder(for: .fashionMNIST)) != nil else {
            print("skipping: no amsga executable or no Fashion-MNIST"); return
        }
        let mnt = NSTemporaryDirectory() + "amsga-full-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: mnt, withIntermediateDirectories: true)
        // Room for one run file with its checkpoint (8 MB), not for the next one beside it.
        guard sh("mount -t tmpfs -o size=14m tmpfs '\(mnt)'") else {
            print("skipping: this machine does not let the test mount a small filesystem"); return
        }
        defer { _ = sh("umount '\(mnt)'") }
        let run = mnt + "/run.h5"
        let r = try launchCapturing(["train", "--preset", "baseline-fashion", "--epochs", "4", "--train-size", "60", "--eval-size", "20",
                                     "--checkpoint-every", "1", "--threads", "1", "--out", run])
        #expect(r.status == 1, "\(r.output.suffix(2000))")
        #expect(r.output.contains("\(run): could not be written, so its previous version is kept") && r.output.contains("No space left on device"))
        let kept = try RunFile.read(path: run)
        #expect(kept.trace.count >= 1 && kept.checkpoint?.stepsDone == kept.trace.count)
        #expect(try FileManager.default.contentsOfDirectory(atPath: mnt) == ["run.h5"])
    }
}

@Suite("Help and bad options")
struct HelpAndOptionsTests {
    @Test("--help prints the command's help and exits 0, nested commands included")
    func help() throws {
        for args in [["run", "--help"], ["bench", "memory", "--help"], ["sweep", "--help"]] {
            let r = try launchCapturing(args)
            #expect(r.status == 0 && r.output.contains("OVERVIEW:") && !r.output.contains("CommandError"), "\(args): \(r.output.prefix(300))")
        }
    }

    @Test("Zero and negative sizes, epochs and thread counts are refused with the option's name and the command's usage, before any work",
          arguments: [
              (["bench", "kernels", "--threads", "0"], "--threads must be positive, got 0", "amsga bench kernels"),
              (["bench", "train", "--epochs", "0"], "--epochs must be positive, got 0", "amsga bench train"),
              (["bench", "train", "--train-size=-5"], "--train-size must be positive, got -5", "amsga bench train"),
              (["run", "quickstart", "--threads", "0"], "--threads must be positive, got 0", "amsga run"),
              (["sweep", "quickstart", "--jobs", "0"], "--jobs must be positive, got 0", "amsga sweep"),
          ])
    func badOptions(args: [String], message: String, usage: String) throws {
        let r = try launchCapturing(args)
        #expect(r.status == 64 && r.output.contains(message) && r.output.contains("Usage: \(usage)"), "\(r.output.prefix(400))")
    }
}

@Suite("Reading while a run writes", .serialized)
struct ReadingDuringRunTests {
    @Test("status, inspect and plot during a run that is writing its files: a consistent answer or an error naming the file, never a crash")
    func concurrentReaders() throws {
        guard amsgaExecutable() != nil, (try? DataLocator().folder(for: .fashionMNIST)) != nil else {
            print("skipping: no amsga executable or no Fashion-MNIST"); return
        }
        let dir = NSTemporaryDirectory() + "amsga-readers-" + UUID().uuidString
        let params = ["-p", "epochs=40", "-p", "trainSize=400", "-p", "evalSize=100"]
        let writer = try launch(["run", "quickstart", "--outputs", dir, "--threads", "1"] + params)
        let runs = dir + "/quickstart/cache/03-train-amsga/runs"
        var reads = 0, refused = 0
        while writer.isRunning {
            let file = ((try? FileManager.default.contentsOfDirectory(atPath: runs)) ?? []).first { $0.hasSuffix(".run.h5") }.map { runs + "/" + $0 }
            var attempts = [["status", "quickstart", "--outputs", dir] + params]
            if let file { attempts += [["inspect", file], ["plot", file, "--out", dir + "/plots"]] }
            for args in attempts {
                let r = try launchCapturing(args)
                #expect(r.status == 0 || r.status == 1, "\(args[0]): exit \(r.status)\n\(r.output.suffix(500))")
                if r.status == 1 { refused += 1; #expect(r.output.contains(args.count > 1 ? args[1] : ""), "\(r.output)") } else { reads += 1 }
            }
        }
        #expect(writer.terminationStatus == 0)
        #expect(reads > 0)
        print("readers during a run: \(reads) consistent answers, \(refused) refused naming the file, 0 crashes")
    }
}

@Suite("xarray reads our HDF5", .serialized)
struct XarrayInteropTests {
    @Test("A run's trace group and a cell's tensors open in xarray (h5netcdf) with named dimensions and units")
    func namedDimensions() throws {
        guard amsgaExecutable() != nil, (try? DataLocator().folder(for: .fashionMNIST)) != nil else {
            print("skipping: no amsga executable or no Fashion-MNIST"); return
        }
        let python = "/usr/bin/python3"
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: python)
        probe.arguments = ["-c", "import xarray, h5netcdf"]
        probe.standardError = FileHandle.nullDevice
        try probe.run()
        probe.waitUntilExit()
        guard probe.terminationStatus == 0 else { print("skipping: xarray or h5netcdf not importable by \(python)"); return }
        let dir = NSTemporaryDirectory() + "amsga-xarray-" + UUID().uuidString
        let params = ["-p", "epochs=4", "-p", "trainSize=60", "-p", "evalSize=20", "--threads", "1"]
        try runToEnd(["run", "quickstart", "--outputs", dir] + params)
        let script = """
        import glob, json, sys, xarray as xr
        d = sys.argv[1]
        run = glob.glob(d + "/quickstart/cache/03-train-amsga/runs/*.run.h5")[0]
        t = xr.open_dataset(run, group="traces/amsga-fashion", engine="h5netcdf")
        state = glob.glob(d + "/quickstart/cache/01-data/*/state.h5")[0]
        c = xr.open_dataset(state, group="tensors", engine="h5netcdf")
        print(json.dumps({"trace_dims": sorted(t.sizes), "loss_dims": list(t["loss"].dims),
                          "no_units": sorted(v for v in list(t.data_vars) + list(t.coords) if "units" not in t[v].attrs),
                          "tensor_dims": list(c["class_counts"].dims), "phony": [k for k in c.sizes if k.startswith("phony")]}))
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = ["-c", script, dir]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["trace_dims"] as? [String] == ["epoch", "layer"])
        #expect(json["loss_dims"] as? [String] == ["epoch", "layer"])
        #expect(json["no_units"] as? [String] == [], "\(json)")
        #expect(json["tensor_dims"] as? [String] == ["class_counts_dim0"] && (json["phony"] as? [String])?.isEmpty == true)
    }
}
