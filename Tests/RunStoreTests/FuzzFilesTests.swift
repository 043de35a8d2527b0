import Datasets
import Foundation
import Tensor
import TestSupport
import Testing

/// The same mutations as the IDX fuzzing, for HDF5 files (no header fields).
private func mutate(_ data: Data, _ k: Int, _ rng: inout Xoshiro256StarStar) -> (Data, String) {
    func below(_ n: Int) -> Int { Int(rng.next() % UInt64(max(n, 1))) }
    var d = data
    if k % 2 == 0 {
        let at = below(d.count)
        return (d.prefix(at), "truncated at \(at)")
    }
    var at: [Int] = []
    for _ in 0..<1 + below(8) {
        let i = below(d.count)
        d[i] ^= UInt8(1 + below(255))
        at.append(i)
    }
    return (d, "bytes flipped at \(at)")
}

/// What one run of amsga on a mutated file did.
enum FuzzOutcome: Hashable { case accepted, rejectedNamingFile, rejectedWithoutFile, crashed, hung }

/// Runs amsga with a time limit; a signal is a crash.
private func attempt(_ args: [String], file: String, limit: TimeInterval = 60) throws -> (FuzzOutcome, String) {
    let r = try runAmsga(args, limit: limit)
    if r.hung { return (.hung, "") }
    if r.signalled { return (.crashed, r.output) }
    if r.status == 0 { return (.accepted, r.output) }
    return (r.output.contains(file) ? .rejectedNamingFile : .rejectedWithoutFile, r.output)
}

@Suite("Fuzz: run files and cell states through the executable", .serialized)
struct FuzzFilesTests {
    @Test("Mutated run files given to inspect, plot and train --resume: an error naming the file or a result, never a crash or a hang")
    func runFiles() throws {
        guard amsgaExecutable() != nil, (try? DataLocator().folder(for: .fashionMNIST)) != nil else {
            print("skipping: no amsga executable or no Fashion-MNIST")
            return
        }
        let dir = try Scratch.folder("fuzz-run")
        let base = dir + "/base.h5"
        try runToEnd([
            "train", "--preset", "baseline-fashion", "--epochs", "2", "--train-size", "60", "--eval-size", "20",
            "--eval-every", "1", "--checkpoint-every", "1", "--threads", "1", "--out", base,
        ])
        let valid = try Data(contentsOf: URL(fileURLWithPath: base))
        var rng = Xoshiro256StarStar(seed: 5, stream: "fuzz")
        var counts: [String: [FuzzOutcome: Int]] = [:]
        for k in 0..<fileFuzzCases {
            let (data, what) = mutate(valid, k, &rng)
            let file = dir + "/case-\(k).h5"
            try data.write(to: URL(fileURLWithPath: file))
            var entries: [(String, [String])] = [("inspect", ["inspect", file]), ("plot", ["plot", file, "--out", dir + "/plot-\(k)"])]
            // Resuming loads the dataset: every sixth case.
            if k % 6 == 1 { entries.append(("train --resume", ["train", "--resume", file, "--threads", "1"])) }
            for (name, args) in entries {
                let (outcome, output) = try attempt(args, file: file)
                counts[name, default: [:]][outcome, default: 0] += 1
                if outcome == .accepted { print("fuzz run file → \(name): case \(k) accepted (\(what))") }
                #expect(
                    outcome != .crashed && outcome != .hung && outcome != .rejectedWithoutFile,
                    "\(name) on case \(k) (\(what)): \(outcome)\n\(output.suffix(600))")
            }
        }
        for (name, c) in counts.sorted(by: { $0.key < $1.key }) {
            print(
                "fuzz run file → \(name): \(c.values.reduce(0, +)) cases, \(c[.rejectedNamingFile] ?? 0) rejected naming the file, "
                    + "\(c[.accepted] ?? 0) accepted, \(c[.crashed] ?? 0) crashes, \(c[.hung] ?? 0) hangs")
        }
    }

    @Test("Mutated cell states: status never calls the cell fresh, and run recomputes it")
    func cellStates() throws {
        guard amsgaExecutable() != nil, (try? DataLocator().folder(for: .fashionMNIST)) != nil else {
            print("skipping: no amsga executable or no Fashion-MNIST")
            return
        }
        let dir = Scratch.path("fuzz-cell")
        let params = ["-p", "epochs=4", "-p", "trainSize=60", "-p", "evalSize=20", "--threads", "1"]
        try runToEnd(["run", "quickstart", "--outputs", dir] + params)
        let cellDir = dir + "/quickstart/cache/03-train-amsga"
        let entry =
            cellDir + "/"
            + (try FileManager.default.contentsOfDirectory(atPath: cellDir).first { !$0.hasPrefix(".") && $0 != "runs" } ?? "?")
        let state = entry + "/state.h5"
        let original = try Data(contentsOf: URL(fileURLWithPath: state))
        var rng = Xoshiro256StarStar(seed: 6, stream: "fuzz")
        var trusted = 0
        for k in 0..<fileFuzzCases {
            let (data, what) = mutate(original, k, &rng)
            guard data != original else { continue }
            try data.write(to: URL(fileURLWithPath: state))
            let (outcome, output) = try attempt(["status", "quickstart", "--outputs", dir] + params.dropLast(2), file: state)
            #expect(outcome == .accepted, "status on case \(k) (\(what)): \(outcome)\n\(output.suffix(600))")
            let line = output.split(separator: "\n").first { $0.hasPrefix("[3]") } ?? ""
            if line.contains(": fresh") { trusted += 1 }
            #expect(line.contains("stale: state unreadable"), "case \(k) (\(what)): \(line)")
            try original.write(to: URL(fileURLWithPath: state))
        }
        // One mutated entry taken all the way: run recomputes the cell, the same bits as before.
        var (broken, _) = mutate(original, 1, &rng)
        if broken == original { broken = original.prefix(100) }
        try broken.write(to: URL(fileURLWithPath: state))
        try runToEnd(["run", "quickstart", "--outputs", dir] + params)
        #expect(try Data(contentsOf: URL(fileURLWithPath: entry + "/traces/amsga.h5")).count > 0)
        let (outcome, output) = try attempt(["status", "quickstart", "--outputs", dir] + params.dropLast(2), file: state)
        #expect(outcome == .accepted && !output.contains("stale"), "\(output)")
        print("fuzz cell state → status: \(fileFuzzCases) cases, \(trusted) trusted (goal 0), 0 crashes")
        #expect(trusted == 0)
    }
}

/// Cases per input kind: a fast subset in CI, more on demand (`AMSGA_FUZZ_CASES=600`).
let fileFuzzCases = Int(ProcessInfo.processInfo.environment["AMSGA_FUZZ_CASES"] ?? "") ?? 60
