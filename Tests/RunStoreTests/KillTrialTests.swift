import Datasets
import ForwardForward
import Foundation
import HDF5
import RunStore
import TestSupport
import Testing

/// Both suites train in the processes they start, and the second kills at
/// moments measured on an uninterrupted run: run side by side, each would
/// slow the other and move those moments. So they run one after the other.
@Suite("Kill trials", .serialized)
struct KillTrials {}

extension KillTrials {
    @Suite("amsga run: a notebook killed inside a training cell", .serialized)
    struct NotebookKillTests {
        @Test("SIGKILL during the AMSGA cell, then run again: it resumes inside the cell and matches an uninterrupted run")
        func killNotebook() throws {
            guard amsgaExecutable() != nil, (try? DataLocator().folder(for: .fashionMNIST)) != nil else {
                print("skipping: no amsga executable or no Fashion-MNIST")
                return
            }
            let dir = Scratch.path("nbkill")
            let params = ["-p", "epochs=40", "-p", "trainSize=400", "-p", "evalSize=100"]
            try runToEnd(["run", "quickstart", "--outputs", dir + "/whole"] + params)

            let p = try launch(["run", "quickstart", "--outputs", dir + "/killed"] + params)
            // Run files are named by their configuration's hash: the one AMSGA run file.
            func runFile(_ outputs: String) -> String? {
                let runs = outputs + "/quickstart/cache/03-train-amsga/runs"
                return ((try? FileManager.default.contentsOfDirectory(atPath: runs)) ?? []).first { $0.hasSuffix(".run.h5") }.map {
                    runs + "/" + $0
                }
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

        @Test("Killed, resumed, and killed again before the next checkpoint: the run file keeps the checkpoint it resumed from")
        func killTwice() throws {
            guard amsgaExecutable() != nil, (try? DataLocator().folder(for: .fashionMNIST)) != nil else {
                print("skipping: no amsga executable or no Fashion-MNIST")
                return
            }
            let dir = Scratch.path("nbkill2")
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let args = [
                "run", "quickstart", "--cell", "Train baseline", "--outputs", dir, "-p", "epochs=40", "-p", "trainSize=300",
                "-p", "evalSize=100", "--threads", "1",
            ]
            // The run file is written at each checkpoint, every 10 steps: the first
            // run dies after step 13; the resumed one steps 11, then dies after step 12.
            for fault in ["step:13", "step:2"] {
                let p = try launch(args, environment: ["AMSGA_FAULT": fault])
                p.waitUntilExit()
                try #require(p.terminationReason == .uncaughtSignal, "the run was not killed at \(fault)")
            }
            let runs = dir + "/quickstart/cache/02-train-baseline/runs"
            let name = try #require(try FileManager.default.contentsOfDirectory(atPath: runs).first { $0.hasSuffix(".run.h5") })
            let r = try RunFile.read(path: runs + "/" + name)
            #expect(r.trace.count == 10)
            #expect(r.checkpoint?.stepsDone == 10, "the resumed run's writes dropped its checkpoint")
        }
    }

    @Suite("amsga run killed at moments spread over a whole notebook", .serialized)
    struct NotebookKillTrials {
        /// Every published SVG, the final run files' weights and traces, and each
        /// cell entry's key, printed output and tensors (not its timings).
        func outcome(_ outputs: String) throws -> [String: String] {
            var found: [String: String] = [:]
            let root = outputs + "/quickstart"
            for case let f as String in FileManager.default.enumerator(atPath: root)! {
                let path = root + "/" + f
                if f.hasSuffix(".svg") && !f.hasPrefix("cache/") {
                    found[f] = String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
                } else if f.hasSuffix(".run.h5") {
                    let r = try RunFile.read(path: path)
                    found[(f as NSString).lastPathComponent] =
                        "\(r.checkpoint.map { "\($0)" } ?? "none") \(r.trace.map { $0.meanLoss.bitPattern })"
                } else if f.hasSuffix("/state.h5") {
                    let file = try HDF5File.open(path)
                    var text = (try file.root.attribute("output").string ?? "") + (try file.root.attribute("key").string ?? "")
                    if file.root.contains("tensors") {
                        let t = try file.root.group("tensors")
                        for name in try t.children() { text += name + "\(try t.dataset(name).read(as: Double.self))" }
                    }
                    try file.close()
                    found[f] = text
                }
            }
            return found
        }

        /// 14 kills spread over the first 70% of an uninterrupted run (one that
        /// comes after its run has ended is tried again earlier), and 6 at the writes a timed
        /// kill rarely hits (`AMSGA_FAULT`): a run file before its rename (a
        /// checkpoint, and the last: AMSGA's final write of this quickstart's 8), a cell
        /// state before `complete`, an entry before its rename, between published
        /// figures, before the report. Each is followed by a complete run.
        @Test("SIGKILL at 20 moments, each followed by a complete run: figures, runs and cell states bit-identical to an uninterrupted run")
        func trials() throws {
            guard amsgaExecutable() != nil, (try? DataLocator().folder(for: .fashionMNIST)) != nil else {
                print("skipping: no amsga executable or no Fashion-MNIST")
                return
            }
            let dir = Scratch.path("killtrials")
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let params = ["-p", "epochs=24", "-p", "trainSize=300", "-p", "evalSize=100", "--threads", "1"]
            let start = Date()
            try runToEnd(["run", "quickstart", "--outputs", dir + "/whole"] + params)
            let whole = try outcome(dir + "/whole")
            let first = Date().timeIntervalSince(start)
            // A second uninterrupted run: the shorter of the two times the kills
            // (the first also pays for cold caches), and it must give the same bits.
            let again = Date()
            try runToEnd(["run", "quickstart", "--outputs", dir + "/again"] + params)
            let duration = min(first, Date().timeIntervalSince(again))
            #expect(try outcome(dir + "/again") == whole)
            #expect(
                whole.keys.filter { $0.hasSuffix(".svg") }.count == 9 && whole.keys.filter { $0.hasSuffix("state.h5") }.count == 5,
                "\(whole.keys.sorted())")
            let faults = ["run-file:3", "cell-state:2", "entry-commit:3", "figure-publish:4", "report:1", "run-file:8"]
            var killed = 0
            for k in 1...20 {
                let fault = k > 14 ? faults[k - 15] : nil
                // A run that ends before its timed kill (the machine busier
                // when the whole run was timed) is checked as it is, then
                // tried again with an earlier kill: every trial ends in one.
                var delay = duration * Double(k) / 20
                for attempt in 0..<(fault == nil ? 4 : 1) {
                    let out = dir + "/trial\(k)-\(attempt)"
                    let p = try launch(
                        ["run", "quickstart", "--outputs", out] + params, environment: fault.map { ["AMSGA_FAULT": $0] } ?? [:])
                    if fault == nil {
                        usleep(useconds_t(delay * 1e6))
                        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
                    }
                    p.waitUntilExit()
                    let wasKilled = p.terminationReason == .uncaughtSignal && p.terminationStatus == SIGKILL
                    try runToEnd(["run", "quickstart", "--outputs", out] + params)
                    #expect(
                        try outcome(out) == whole,
                        "trial \(k): killed \(fault.map { "at \($0)" } ?? String(format: "after %.1f s of a %.1f s whole run", delay, duration))"
                    )
                    let litter = (FileManager.default.enumerator(atPath: out)?.allObjects as? [String] ?? [])
                        .filter { ($0 as NSString).lastPathComponent.contains(".tmp-") }
                    #expect(litter.isEmpty, "trial \(k): the complete run left what the killed one staged: \(litter)")
                    try? FileManager.default.removeItem(atPath: out)
                    if wasKilled {
                        killed += 1
                        break
                    }
                    delay *= 0.6
                }
            }
            #expect(killed == 20, "only \(killed) of 20 trials ended in a kill")
        }
    }
}
