import Foundation
import Testing
import Datasets
import ForwardForward
import RunStore

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
