import Datasets
import ForwardForward
import Foundation
import RunStore
import TestSupport
import Testing

@Suite("Data provenance", .serialized)
struct DataProvenanceTests {
    @Test("train prints and records the folder and digests it read; resuming on changed data is refused, naming the file")
    func recorded() throws {
        guard amsgaExecutable() != nil, let folder = try? DataLocator().folder(for: .fashionMNIST) else {
            print("skipping: no amsga executable or no Fashion-MNIST")
            return
        }
        // A private copy of the dataset, so that it can be changed.
        let root = Scratch.path("provenance")
        try FileManager.default.createDirectory(atPath: root + "/fashion-mnist", withIntermediateDirectories: true)
        for part in DatasetName.Part.allCases {
            let file = try #require(DataLocator.file(part, in: folder))
            try FileManager.default.copyItem(atPath: file, toPath: root + "/fashion-mnist/" + (file as NSString).lastPathComponent)
        }
        let run = root + "/run.h5"
        let args = [
            "train", "--preset", "baseline-fashion", "--epochs", "2", "--train-size", "60", "--eval-size", "20", "--threads", "1", "--data",
            root,
        ]
        let p = try launchCapturing(args + ["--out", run])
        #expect(
            p.status == 0
                && p.output.contains("data: fashion-mnist read from \(root)/fashion-mnist (4 files; SHA-256 matches the published digests)"),
            "\(p.output)")
        let recorded = try #require(try RunFile.read(path: run).attributes["data_source"]?.string)
        #expect(recorded.contains("\"folder\":\"\(root)/fashion-mnist\"") && recorded.contains("\"published\":true"), "\(recorded)")

        // Two test labels swapped: still a valid file, no longer the data the run started on.
        let labels = try #require(DataLocator.file(.testLabels, in: root + "/fashion-mnist"))
        var idx = try IDXArray.read(path: labels)
        idx.bytes.swapAt(0, 1)
        try FileManager.default.removeItem(atPath: labels)
        try idx.write(path: labels)
        let resumed = try launchCapturing(["train", "--resume", run, "--threads", "1", "--data", root])
        #expect(
            resumed.status == 1 && resumed.output.contains("was trained on other data: \(labels) is not the file it started with"),
            "\(resumed.output)")
    }
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
            print("skipping: no amsga executable or no Fashion-MNIST")
            return
        }
        let mnt = try Scratch.folder("full")
        // Room for one run file with its checkpoint (about 6 MB compressed), not for the next one beside it.
        guard sh("mount -t tmpfs -o size=10m tmpfs '\(mnt)'") else {
            print("skipping: this machine does not let the test mount a small filesystem")
            return
        }
        defer { _ = sh("umount '\(mnt)'") }
        let run = mnt + "/run.h5"
        let r = try launchCapturing([
            "train", "--preset", "baseline-fashion", "--epochs", "4", "--train-size", "60", "--eval-size", "20",
            "--checkpoint-every", "1", "--threads", "1", "--out", run,
        ])
        #expect(r.status == 1, "\(r.output.suffix(2000))")
        #expect(
            r.output.contains("\(run): could not be written, so its previous version is kept")
                && r.output.contains("No space left on device"))
        let kept = try RunFile.read(path: run)
        #expect(kept.trace.count >= 1 && kept.checkpoint?.stepsDone == kept.trace.count)
        #expect(try FileManager.default.contentsOfDirectory(atPath: mnt) == ["run.h5"])
    }
}

@Suite("A read-only outputs folder", .serialized)
struct ReadOnlyOutputsTests {
    @Test("run, sweep and train --out refuse before any training, naming the folder and the reason; status still answers")
    func readOnly() throws {
        guard amsgaExecutable() != nil, (try? DataLocator().folder(for: .fashionMNIST)) != nil else { return }
        let disk = FullDiskTests()
        let mnt = Scratch.path("ro")
        try FileManager.default.createDirectory(atPath: mnt + "/outputs/quickstart/cache", withIntermediateDirectories: true)
        guard
            disk.sh(
                "mount -t tmpfs -o size=1m tmpfs '\(mnt)' && mkdir -p '\(mnt)/outputs/quickstart/cache' && mount -o remount,ro '\(mnt)'")
        else {
            print("skipping: this machine does not let the test mount a read-only filesystem")
            return
        }
        defer { _ = disk.sh("umount '\(mnt)'") }
        let tiny = ["-p", "epochs=2", "-p", "trainSize=50", "-p", "evalSize=50"]
        let cases: [([String], String)] = [
            (
                ["run", "quickstart", "--outputs", mnt + "/outputs"] + tiny,
                "cannot write to \(mnt)/outputs/quickstart/cache for notebook quickstart's cache: Read-only file system; nothing was run"
            ),
            (
                ["run", "quickstart", "--outputs", mnt + "/new"] + tiny,
                "cannot create \(mnt)/new/quickstart/cache for notebook quickstart's cache: Read-only file system; nothing was run"
            ),
            (
                ["sweep", "quickstart", "-p", "seed=0,1", "--outputs", mnt + "/outputs"] + tiny,
                "cannot write to \(mnt)/outputs/quickstart for the sweep's outputs: Read-only file system; nothing was run"
            ),
            (
                [
                    "train", "--preset", "baseline-fashion", "--epochs", "2", "--train-size", "50", "--eval-size", "50", "--out",
                    mnt + "/run.h5",
                ],
                "cannot write to \(mnt) for the run file \(mnt)/run.h5: Read-only file system"
            ),
        ]
        for (args, message) in cases {
            let r = try launchCapturing(args)
            #expect(r.status == 1 && r.output.contains(message), "\(args[0]): \(r.output.suffix(600))")
            #expect(!r.output.contains("epoch 1") && !r.output.contains("running"), "\(args[0]) started work: \(r.output.suffix(600))")
        }
        let status = try launchCapturing(["status", "quickstart", "--outputs", mnt + "/outputs"] + tiny)
        #expect(status.status == 0 && status.output.contains("[1] Data: stale"), "\(status.output)")
    }
}

@Suite("Two amsga processes at once", .serialized)
struct ConcurrentRunsTests {
    @Test("A second run of the same notebook and parameters is refused naming the holder; two different notebooks both complete")
    func concurrentRuns() throws {
        guard amsgaExecutable() != nil, (try? DataLocator().folder(for: .fashionMNIST)) != nil,
            (try? DataLocator().folder(for: .mnist)) != nil
        else {
            print("skipping: needs both datasets")
            return
        }
        let dir = Scratch.path("concurrent")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let quick = [
            "run", "quickstart", "--outputs", dir, "--threads", "1", "-p", "epochs=200", "-p", "trainSize=400", "-p", "evalSize=100",
        ]
        let first = try launch(quick)
        // Wait until it holds its parameter set's lock (the lock file names its pid).
        let lockFile = dir + "/quickstart/cache/.locks"
        let deadline = Date().addingTimeInterval(60)
        while first.isRunning && Date() < deadline
            && !(((try? FileManager.default.contentsOfDirectory(atPath: lockFile)) ?? []).contains { $0.hasPrefix("set-") })
        {
            usleep(20_000)
        }
        let second = try launchCapturing(quick)
        let other = try launch([
            "run", "ablation", "--cell", "Train", "--outputs", dir, "--threads", "1", "-p", "epochs=3",
            "-p", "trainSize=100", "-p", "evalSize=100",
        ])
        first.waitUntilExit()
        other.waitUntilExit()
        #expect(second.status == 1, "\(second.output)")
        #expect(
            second.output.contains("another amsga run of notebook 'quickstart' with")
                && second.output.contains("is in progress (pid \(first.processIdentifier))"), "\(second.output)")
        #expect(first.terminationStatus == 0 && other.terminationStatus == 0)
        #expect(
            FileManager.default.fileExists(atPath: dir + "/quickstart/sets")
                && FileManager.default.fileExists(atPath: dir + "/ablation/sets"))
    }
}

@Suite("Help and bad options")
struct HelpAndOptionsTests {
    @Test("train refuses options that only work together before it reads any data, naming the option")
    func combinationBeforeData() throws {
        guard amsgaExecutable() != nil else {
            print("skipping: no amsga executable")
            return
        }
        let r = try runAmsga(["train", "--preset", "baseline-mnist", "--negative-labels", "predicted", "--data", "/nonexistent-amsga-data"])
        #expect(r.status != 0 && !r.signalled)
        #expect(r.output.contains("negativeLabels") && !r.output.contains("nonexistent-amsga-data"), "\(r.output)")
    }

    @Test("--help prints the command's help and exits 0, nested commands included")
    func help() throws {
        for args in [["run", "--help"], ["bench", "memory", "--help"], ["sweep", "--help"]] {
            let r = try launchCapturing(args)
            #expect(
                r.status == 0 && r.output.contains("OVERVIEW:") && !r.output.contains("CommandError"), "\(args): \(r.output.prefix(300))")
        }
    }

    @Test(
        "Zero and negative sizes, epochs and thread counts are refused with the option's name and the command's usage, before any work",
        arguments: [
            (["bench", "kernels", "--threads", "0"], "--threads must be between 1 and 256, got 0", "amsga bench kernels"),
            (["bench", "kernels", "--threads", "100000"], "--threads must be between 1 and 256, got 100000", "amsga bench kernels"),
            (
                ["train", "--preset", "baseline-fashion", "--threads", "100000"],
                "configuration parameter 'threads': must be between 1 and 256", "amsga train"
            ),
            (
                ["train", "--preset", "baseline-fashion", "--epochs", "-3"], "configuration parameter 'epochs': must be positive, got -3",
                "amsga train"
            ),
            (["train", "--preset", "baseline-fashion", "--seed", "-1"], "The value '-1' is invalid for '--seed <seed>'", "amsga train"),
            (["bench", "train", "--epochs", "0"], "--epochs must be positive, got 0", "amsga bench train"),
            (["bench", "train", "--train-size=-5"], "--train-size must be positive, got -5", "amsga bench train"),
            (["run", "quickstart", "--threads", "-2"], "--threads must be between 1 and 256, got -2", "amsga run"),
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
            print("skipping: no amsga executable or no Fashion-MNIST")
            return
        }
        let dir = Scratch.path("readers")
        let params = ["-p", "epochs=40", "-p", "trainSize=400", "-p", "evalSize=100"]
        let writer = try launch(["run", "quickstart", "--outputs", dir, "--threads", "1"] + params)
        let runs = dir + "/quickstart/cache/03-train-amsga/runs"
        var reads = 0
        var refused = 0
        while writer.isRunning {
            let file = ((try? FileManager.default.contentsOfDirectory(atPath: runs)) ?? []).first { $0.hasSuffix(".run.h5") }.map {
                runs + "/" + $0
            }
            var attempts = [["status", "quickstart", "--outputs", dir] + params]
            if let file { attempts += [["inspect", file], ["plot", file, "--out", dir + "/plots"]] }
            for args in attempts {
                let r = try launchCapturing(args)
                #expect(r.status == 0 || r.status == 1, "\(args[0]): exit \(r.status)\n\(r.output.suffix(500))")
                if r.status == 1 {
                    refused += 1
                    #expect(r.output.contains(args.count > 1 ? args[1] : ""), "\(r.output)")
                } else {
                    reads += 1
                }
            }
        }
        #expect(writer.terminationStatus == 0)
        #expect(reads > 0)
        print("readers during a run: \(reads) consistent answers, \(refused) refused naming the file, 0 crashes")
    }
}
