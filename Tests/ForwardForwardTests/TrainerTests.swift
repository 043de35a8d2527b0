import Datasets
import ForwardForward
import Foundation
import Tensor
import Testing

/// A synthetic 10-class problem the test makes: class c lights a block of
/// pixels of its own, plus noise. 784 pixels so the presets' shapes apply.
func syntheticSplit(count: Int = 240, seed: UInt64 = 3) throws -> DataSplit {
    var rng = Xoshiro256StarStar(seed: seed)
    var m = Matrix<Float>(rows: count, cols: 784)
    var labels: [UInt8] = []
    m.storage.withUnsafeMutableBufferPointer { p in
        for i in 0..<count {
            let c = i % 10
            labels.append(UInt8(c))
            for j in 0..<784 { p[i * 784 + j] = 0.3 * rng.uniformFloat() }
            for j in 0..<40 { p[i * 784 + 100 + c * 60 + j] += 0.7 }
        }
    }
    let full = ImageSet(images: m, labels: labels)
    return try DataSplit.make(.mnist, full: full, test: full.subset(Array(0..<50)), seed: seed)
}

/// Trains `config` to its end twice: once uninterrupted, once stopped after
/// `stopAfter` steps and continued in a new trainer from the checkpoint.
func trainedWholeAndResumed(_ config: FFConfiguration, data: DataSplit, stopAfter: Int) throws -> (whole: FFTrainer, resumed: FFTrainer) {
    let whole = try FFTrainer(config: config, data: data)
    try whole.train()
    let first = try FFTrainer(config: config, data: data)
    for _ in 0..<stopAfter { first.step() }
    let resumed = try FFTrainer(config: config, data: data)
    try resumed.restore(first.checkpoint(), trace: first.trace)
    try resumed.train()
    return (whole, resumed)
}

func small(_ c: FFConfiguration, sizes: [Int], epochs: Int) -> FFConfiguration {
    var c = c
    c.layerSizes = sizes
    c.epochs = epochs
    c.evalEvery = epochs
    c.threads = 1
    return c
}

@Suite("Trainers")
struct TrainerTests {
    /// Evaluation runs in the trainer's activation buffers, and deeper layers
    /// reuse layer 1's input buffer: evaluating every epoch must not change
    /// what is trained. Four layers of uneven widths, so that the alternating
    /// input buffers differ in size; AMSGA scores candidates over all layers.
    @Test("Evaluating every epoch trains the same bits as evaluating once", arguments: ["baseline-mnist", "amsga-mnist"])
    func evaluationLeavesTrainingAlone(preset: String) throws {
        let data = try syntheticSplit()
        var config = small(try .preset(preset), sizes: [784, 24, 40, 16, 30], epochs: 6)
        config.miningScore = .allLayers
        var often = config
        often.evalEvery = 1
        let a = try FFTrainer(config: config, data: data)
        let b = try FFTrainer(config: often, data: data)
        try a.train()
        try b.train()
        for (l, (x, y)) in zip(a.layers, b.layers).enumerated() {
            let same = x.parameters.map(\.bitPattern) == y.parameters.map(\.bitPattern)
            #expect(same, "layer \(l + 1)'s weights differ when evaluating every epoch")
        }
        #expect(b.trace.filter { !$0.accuracyPerSample.validation.isNaN }.count == b.trace.count)
    }

    @Test(
        "Two runs of the same configuration give bit-identical weights and traces",
        arguments: ["baseline-mnist", "amsga-mnist"])
    func determinism(preset: String) throws {
        let data = try syntheticSplit()
        let config = small(try .preset(preset), sizes: [784, 32, 24, 20], epochs: 12)
        let a = try FFTrainer(config: config, data: data)
        let b = try FFTrainer(config: config, data: data)
        try a.train()
        try b.train()
        for (x, y) in zip(a.layers, b.layers) {
            #expect(x.parameters.withUnsafeBytes { Array($0) } == y.parameters.withUnsafeBytes { Array($0) })
        }
        #expect(a.trace.count == b.trace.count)
        for (x, y) in zip(a.trace, b.trace) {
            #expect(x.layers.map(\.loss).map(\.bitPattern) == y.layers.map(\.loss).map(\.bitPattern))
            #expect(x.negativesUsed == y.negativesUsed)
        }
        // A different seed changes the weights.
        var other = config
        other.seed = 1
        let c = try FFTrainer(config: other, data: data)
        try c.train()
        #expect(c.layers[0].parameters != a.layers[0].parameters)
    }

    @Test("The trace records the curriculum and every layer")
    func traceContents() throws {
        let data = try syntheticSplit()
        let config = small(try .preset("amsga-mnist"), sizes: [784, 32, 24, 20], epochs: 10)
        let t = try FFTrainer(config: config, data: data)
        try t.train()
        #expect(t.trace.map(\.epoch) == Array(1...10))
        #expect(t.trace[0].stage == .early && t.trace[2].stage == .middle && t.trace[6].stage == .late)
        for r in t.trace {
            #expect(r.layers.count == 3 && r.layers.allSatisfy { !$0.loss.isNaN && !$0.gradientNorm.isNaN })
            #expect(r.keptFromBand + r.keptFromHard + r.keptFromTopUp == r.negativesUsed)
            #expect(r.negativesUsed >= NegativeMining.minimum(of: r.candidates))
        }
        #expect(!t.trace.last!.accuracyPerSample.validation.isNaN)
    }

    @Test("Bad configurations name the parameter")
    func badConfiguration() throws {
        let data = try syntheticSplit()
        var c = try FFConfiguration.preset("baseline-mnist")
        c.epochs = 0
        let e = #expect(throws: ConfigurationError.self) { try FFTrainer(config: c, data: data) }
        #expect(e?.parameter == "epochs")
        #expect(throws: ConfigurationError.self) { try FFConfiguration.preset("amsga-cifar") }
        c = try FFConfiguration.preset("baseline-mnist")
        c.negativeMining = true
        #expect(throws: ConfigurationError.self) { try FFTrainer(config: c, data: data) }
    }
}

@Suite("Learning on real data (skipped where absent)")
struct LearningTests {
    @Test(
        "A short run on a few hundred MNIST images is clearly above chance",
        arguments: ["baseline-mnist", "amsga-mnist"])
    func learns(preset: String) throws {
        guard (try? DataLocator().folder(for: .mnist)) != nil else {
            print("skipping: MNIST not found (set AMSGA_DATA)")
            return
        }
        var config = try FFConfiguration.preset(preset)
        config.trainSize = 500
        config.evalSize = 500
        // Goodness starts far below θ, so FF needs a couple of hundred full-batch
        // epochs before accuracy moves; both presets' other settings are kept.
        config.epochs = preset.hasPrefix("baseline") ? 200 : 300
        config.evalEvery = config.epochs
        config.layerSizes = preset.hasPrefix("baseline") ? [784, 200, 200] : [784, 200, 200, 200]
        let data = try DataSplit.load(.mnist, seed: 0, trainSize: 500, evalSize: 500)
        let t = try FFTrainer(config: config, data: data)
        try t.train()
        let (ps, bt) = t.evaluate()
        print("\(preset), 500 images: validation \(ps.validation) (per-sample), \(bt.validation) (batch); train \(ps.train)")
        // Chance is 10%.
        #expect(ps.validation > 0.25)
    }
}
