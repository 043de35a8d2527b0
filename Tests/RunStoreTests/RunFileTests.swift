import Datasets
import ForwardForward
import Foundation
import HDF5
import RunStore
import Tensor
import TestSupport
import Testing

func scratchPath(_ name: String) throws -> String {
    let dir = try Scratch.folder("run")
    return dir + "/" + name
}

/// A small synthetic problem (the trainers' own tests use the same shape).
func tinyTrainer(_ preset: String, epochs: Int = 6, configure: (inout FFConfiguration) -> Void = { _ in }) throws -> FFTrainer {
    var rng = Xoshiro256StarStar(seed: 9)
    var m = Matrix<Float>(rows: 120, cols: 784)
    m.storage.withUnsafeMutableBufferPointer { rng.fillUniform($0, low: 0, high: 1) }
    let full = ImageSet(images: m, labels: (0..<120).map { UInt8($0 % 10) })
    let data = try DataSplit.make(.mnist, full: full, test: full.subset(Array(0..<20)), seed: 1)
    var c = try FFConfiguration.preset(preset)
    c.layerSizes = [784, 24, 16]
    c.epochs = epochs
    c.evalEvery = 3
    c.threads = 1
    configure(&c)
    return try FFTrainer(config: c, data: data)
}

/// Compares everything but wall time, bit for bit (NaN equal to NaN).
func sameTrace(_ a: [EpochTrace], _ b: [EpochTrace]) -> Bool {
    func clean(_ t: EpochTrace) -> EpochTrace {
        var t = t
        t.wallSeconds = 0
        return t
    }
    func bits(_ t: EpochTrace) -> String { "\(clean(t))" }
    return a.count == b.count && zip(a, b).allSatisfy { bits($0) == bits($1) }
}

@Suite("Run files")
struct RunFileTests {
    @Test("Trace, checkpoint, parameters and final accuracies round-trip", arguments: ["amsga-mnist", "baseline-mnist"])
    func roundTrip(preset: String) throws {
        let t = try tinyTrainer(preset)
        try t.train()
        let path = try scratchPath("run.h5")
        let final = t.evaluate()
        try RunFile.write(path: path, config: t.config, trace: t.trace, checkpoint: t.checkpoint(), final: final)
        let r = try RunFile.read(path: path)
        #expect(r.config == t.config)
        #expect(r.checkpoint == t.checkpoint())
        #expect(
            sameTrace(
                r.trace.map {
                    var x = $0
                    x.wallSeconds = 0
                    return x
                }, t.trace))
        #expect(r.finalPerSample == final.perSample || r.finalPerSample?.test == final.perSample.test)
        #expect(r.attributes["format"] == .string("amsga-run"))
        #expect(r.attributes["hdf5_version"]?.string?.contains("1.") == true)
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp-\(getpid())"))
    }

    @Test("A restored trainer continues bit-identically")
    func restoreContinues() throws {
        let a = try tinyTrainer("amsga-mnist", epochs: 8)
        try a.train()
        let b = try tinyTrainer("amsga-mnist", epochs: 8)
        for _ in 0..<4 { b.step() }
        let path = try scratchPath("half.h5")
        try RunFile.write(path: path, config: b.config, trace: b.trace, checkpoint: b.checkpoint())
        let saved = try RunFile.read(path: path)
        let c = try tinyTrainer("amsga-mnist", epochs: 8)
        try c.restore(saved.checkpoint!, trace: saved.trace)
        try c.train()
        #expect(c.layers.map(\.parameters) == a.layers.map(\.parameters))
        #expect(sameTrace(c.trace, a.trace))
    }

    @Test("A file without the completion mark, and a damaged one, are refused")
    func incomplete() throws {
        let path = try scratchPath("partial.h5")
        let f = try HDF5File.create(path)
        try f.root.setAttribute("format", .string("amsga-run"))
        try f.close()
        let e = #expect(throws: RunFileError.self) { try RunFile.read(path: path) }
        #expect(e?.description.contains("incomplete") == true)

        let t = try tinyTrainer("amsga-mnist", epochs: 2)
        try t.train()
        let good = try scratchPath("good.h5")
        try RunFile.write(path: good, config: t.config, trace: t.trace, checkpoint: t.checkpoint())
        let bytes = try Data(contentsOf: URL(fileURLWithPath: good))
        try bytes.prefix(bytes.count / 3).write(to: URL(fileURLWithPath: path))
        #expect(throws: (any Error).self) { try RunFile.read(path: path) }
    }

    @Test("A temporary whose writer was killed is removed when the run is recorded again; a live writer's is kept")
    func abandonedTemporary() throws {
        let path = try scratchPath("amsga-x.run.h5")
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let abandoned = path + ".tmp-\(gone.processIdentifier)"
        let live = path + ".tmp-1"  // init's: alive while the test runs
        let other = try scratchPath("amsga-y.run.h5") + ".tmp-\(gone.processIdentifier)"
        for p in [abandoned, live, other] { #expect(FileManager.default.createFile(atPath: p, contents: Data([1]))) }
        _ = try RunRecorder(path: path, checkpointEvery: 1, resumingFrom: nil)
        #expect(!FileManager.default.fileExists(atPath: abandoned))
        #expect(FileManager.default.fileExists(atPath: live))
        #expect(FileManager.default.fileExists(atPath: other), "another run's temporary is that run's to clean")
    }
}

/// Rewrites one dataset of an HDF5 file through HDF5 (its stored bytes may be
/// compressed), changed by `change`, so that the file stays valid HDF5.
func rewrite<T: HDF5Scalar>(_ path: String, _ group: String, _ name: String, as: T.Type, _ change: (inout [T]) -> Void) throws {
    let file = try HDF5File.open(path, writable: true)
    let g = try file.root.group(group)
    let old = try g.dataset(name)
    var values = try old.read(as: T.self)
    let shape = old.shape
    change(&values)
    try g.delete(name)
    try g.write(name, values, shape: shape, storage: .automatic(shape: shape, elementSize: MemoryLayout<T>.size))
    try file.close()
}

@Suite("Checkpoints carry a digest")
struct CheckpointDigestTests {
    @Test("A weight changed in the file after it was written: reading the run is an error naming the file, not a resume from it")
    func flippedWeight() throws {
        let t = try tinyTrainer("baseline-mnist")
        try t.train()
        let path = try scratchPath("digest.h5")
        try RunFile.write(path: path, config: t.config, trace: t.trace, checkpoint: t.checkpoint())
        #expect(try RunFile.read(path: path).checkpoint == t.checkpoint())
        // The last weight of layer 1, changed in its last bit.
        try rewrite(
            path, "checkpoints/\(t.config.name)/epoch_\(String(format: "%05d", t.checkpoint().stepsDone))/layer1", "weight",
            as: Float.self
        ) { w in w[w.count - 1] = Float(bitPattern: w[w.count - 1].bitPattern ^ 1) }
        let e = #expect(throws: RunFileError.self) { try RunFile.read(path: path) }
        #expect(
            e?.description.hasPrefix(path) == true && e?.description.contains("changed after it was written") == true,
            "\(e.map { "\($0)" } ?? "")")
    }

    @Test("Peer normalisation's running means round-trip with the checkpoint and are under its digest")
    func peerMeans() throws {
        let t = try tinyTrainer("hinton-text-mnist", epochs: 2) {
            $0.peerNormalisation = 0.03
            $0.batchSize = 40
        }
        try t.train()
        let path = try scratchPath("peer.h5")
        try RunFile.write(path: path, config: t.config, trace: t.trace, checkpoint: t.checkpoint())
        let c = try #require(try RunFile.read(path: path).checkpoint)
        #expect(c == t.checkpoint() && c.peerMeans.count == 2 && c.peerMeans[0] != [Float](repeating: 0.5, count: 24))
        try rewrite(path, "checkpoints/\(t.config.name)/epoch_00002/layer2", "peer_mean", as: Float.self) { mu in mu[0] += 1 }
        let e = #expect(throws: RunFileError.self) { try RunFile.read(path: path) }
        #expect(e?.description.contains("changed after it was written") == true, "\(e.map { "\($0)" } ?? "")")
    }

    @Test("The hard negatives' read-out round-trips with the checkpoint and is under its digest")
    func readout() throws {
        let t = try tinyTrainer("hinton-text-mnist", epochs: 2) {
            $0.negativeLabels = .readout
            $0.batchSize = 40
        }
        try t.train()
        let path = try scratchPath("readout.h5")
        try RunFile.write(path: path, config: t.config, trace: t.trace, checkpoint: t.checkpoint())
        let c = try #require(try RunFile.read(path: path).checkpoint)
        #expect(c == t.checkpoint() && c.readoutWeights.count == 16 * 10 && c.readoutWeights.contains { $0 != 0 })
        try rewrite(path, "checkpoints/\(t.config.name)/epoch_00002/readout", "smoothed_gradient", as: Float.self) { s in s[0] += 1 }
        let e = #expect(throws: RunFileError.self) { try RunFile.read(path: path) }
        #expect(e?.description.contains("changed after it was written") == true, "\(e.map { "\($0)" } ?? "")")
    }

    @Test("A trace value changed in the file after it was written: reading the run is an error naming the file")
    func changedTrace() throws {
        let t = try tinyTrainer("baseline-mnist")
        try t.train()
        let path = try scratchPath("trace-digest.h5")
        try RunFile.write(path: path, config: t.config, trace: t.trace, checkpoint: t.checkpoint())
        try rewrite(path, "traces/\(t.config.name)", "learning_rate", as: Double.self) { rate in rate[0] = rate[0].nextUp }
        let e = #expect(throws: RunFileError.self) { try RunFile.read(path: path) }
        #expect(
            e?.description.hasPrefix(path) == true && e?.description.contains("its trace changed after it was written") == true,
            "\(e.map { "\($0)" } ?? "")")
    }
}
