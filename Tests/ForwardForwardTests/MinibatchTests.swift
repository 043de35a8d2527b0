import Datasets
import ForwardForward
import Foundation
import Tensor
import Testing

/// Minibatch training (`batchSize`): each step's gradient is the full-batch
/// gradient of its rows, the batches are a deterministic shuffle, and a resumed
/// run continues bit-identically.
@Suite("Minibatches")
struct MinibatchTests {
    /// A learning rate so small that Adam leaves every float32 weight as it
    /// was: every batch of the step then sees the initial weights, and the
    /// layer's gradient after the step is the last batch's at those weights.
    static let frozenRate = 1e-30

    @Test("A minibatch's gradient is the full-batch gradient of the same rows", arguments: ["baseline-mnist", "amsga-mnist"])
    func gradientOfTheBatch(preset: String) throws {
        let data = try syntheticSplit()
        var config = small(try .preset(preset), sizes: [784, 16], epochs: 2)
        config.batchSize = 48
        config.learningRate = Self.frozenRate
        config.clipNorm = nil  // clipping rescales the gradient in place
        config.negativeMining = false
        config.adaptiveThreshold = false  // θ is then θ0
        config.negativeRefresh = .once  // the labels of the negatives are then readable
        let t = try FFTrainer(config: config, data: data)
        let initial = t.layers[0]
        let batches = try #require(t.minibatches(step: 1))
        #expect(batches.count == (data.train.count + 47) / 48)
        t.step()
        // Zero biases (Kaiming) do move, by about 1e-30.
        let moved = zip(t.layers[0].parameters, initial.parameters).map { abs($0 - $1) }.max() ?? 0
        #expect(moved < 1e-20, "the step moved a weight by \(moved)")

        let rows = Array(batches.last!)
        let negativeLabels = try #require(t.fixedNegativeLabels)
        func overlaid(_ labels: (Int) -> Int) -> Matrix<Float> {
            var m = data.train.gathering(rows: rows)
            m.storage.withUnsafeMutableBufferPointer { p in
                for (k, i) in rows.enumerated() { LabelOverlay.apply(p.baseAddress! + k * 784, label: labels(i), value: data.overlayValue) }
            }
            return m
        }
        var expected = initial
        let goodness: MultiScaleGoodness<Float> =
            config.multiScaleGoodness
            ? .multiScale(width: 16, depth: FFConfiguration.DepthMeasure.relative.depth(layer: 1, of: 1)) : .baseline(width: 16)
        _ = expected.lossAndGradient(
            positives: overlaid { Int(data.train.labels[$0]) }, negatives: overlaid { negativeLabels[$0] },
            goodness: goodness, theta: config.theta0, reduction: config.lossReduction,
            normEpsilon: Float(config.normEpsilon))
        let got = t.layers[0].gradient
        let want = expected.gradient
        let scale = want.map { abs($0) }.max() ?? 1
        let worst = zip(got, want).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst <= 1e-6 * scale, "largest difference \(worst) against a largest entry of \(scale)")
    }

    @Test("Each step's batches are a deterministic shuffle of every row, different from step to step")
    func shuffle() throws {
        let data = try syntheticSplit()
        var config = small(try .preset("amsga-mnist"), sizes: [784, 16], epochs: 3)
        config.batchSize = 50
        let a = try FFTrainer(config: config, data: data)
        let b = try FFTrainer(config: config, data: data)
        let first = try #require(a.minibatches(step: 1))
        let again = try #require(b.minibatches(step: 1))
        #expect(first.map(Array.init) == again.map(Array.init))
        #expect(first.flatMap { $0 }.sorted() == Array(0..<data.train.count))
        #expect(first.dropLast().allSatisfy { $0.count == 50 })
        #expect(try #require(a.minibatches(step: 2)).map(Array.init) != first.map(Array.init))
        var other = config
        other.seed = 9
        #expect(try #require(try FFTrainer(config: other, data: data).minibatches(step: 1)).map(Array.init) != first.map(Array.init))
        var full = config
        full.batchSize = data.train.count
        #expect(try FFTrainer(config: full, data: data).minibatches(step: 1) == nil)
    }

    @Test(
        "A minibatch run resumed mid-run from a checkpoint ends bit-identical to an uninterrupted one",
        arguments: ["baseline-mnist", "amsga-mnist"])
    func resume(preset: String) throws {
        let data = try syntheticSplit()
        var config = small(try .preset(preset), sizes: [784, 20, 12], epochs: 4)
        config.batchSize = 64
        let (whole, resumed) = try trainedWholeAndResumed(config, data: data, stopAfter: 3)
        for (x, y) in zip(whole.layers, resumed.layers) {
            #expect(x.parameters.map(\.bitPattern) == y.parameters.map(\.bitPattern))
        }
        #expect(whole.trace.map(\.meanLoss.bitPattern) == resumed.trace.map(\.meanLoss.bitPattern))
        #expect(whole.trace.allSatisfy { $0.layers.allSatisfy { $0.loss.isNaN || $0.loss.isFinite } })
    }

    @Test(
        "hinton-mnist is the text's reading with his script's choices where the text is silent: κ = D, θ0 = 1, smoothed SGD, read-out negatives"
    )
    func hintonPresets() throws {
        for (script, text) in [("hinton-mnist", "hinton-text-mnist"), ("hinton-fashion", "hinton-text-fashion")] {
            let s = try FFConfiguration.preset(script)
            let t = try FFConfiguration.preset(text)
            try s.validate()
            try t.validate()
            #expect(s.dataset == t.dataset && s.layerSizes == [784, 2000, 2000, 2000, 2000] && s.layerSizes == t.layerSizes)
            #expect(s.epochs == 60 && s.batchSize == 100 && s.scoredFromLayer == 2 && s.order == .interleaved)
            #expect(!s.multiScaleGoodness && !s.negativeMining && !s.adaptiveThreshold && !s.learningRateSchedule)
            #expect(s.lossSharpness == Double(s.layerSizes[1]) && s.theta0 == 1 && s.optimiser == .smoothedSGD && s.learningRate == 0.01)
            #expect(s.negativeLabels == .readout && t.negativeLabels == .predicted && t.optimiser == nil && t.lossSharpness == nil)
        }
    }

    @Test(
        "A configuration without a loss sharpness, weight decay, learning-rate decay, draw scale, peer normalisation or optimiser encodes as before the options existed, so its runs keep their cache key"
    )
    func sharpnessLeavesOldKeys() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var c = try FFConfiguration.preset("hinton-text-mnist")
        let json = String(decoding: try encoder.encode(c), as: UTF8.self)
        #expect(
            !json.contains("lossSharpness") && !json.contains("weightDecay") && !json.contains("learningRateDecay")
                && !json.contains("negativeScoreScale") && !json.contains("peerNormalisation") && !json.contains("optimiser"))
        c.lossSharpness = 2000
        #expect(String(decoding: try encoder.encode(c), as: UTF8.self).contains("\"lossSharpness\":2000"))
        #expect(try JSONDecoder().decode(FFConfiguration.self, from: Data(json.utf8)).sharpness == 1)
    }

    @Test("The loss sharpness reaches every layer's step: κ scales the loss of the first step")
    func sharpnessReachesTheStep() throws {
        let data = try syntheticSplit()
        func firstLosses(_ kappa: Double?) throws -> [Double] {
            var c = small(try .preset("hinton-text-mnist"), sizes: [784, 16, 16], epochs: 1)
            c.lossSharpness = kappa
            c.batchSize = data.train.count
            let t = try FFTrainer(config: c, data: data)
            t.step()
            return t.trace[0].layers.map(\.loss)
        }
        let plain = try firstLosses(nil)
        let sharp = try firstLosses(3)
        // The first step's goodness is tiny against θ = 2, so every positive's
        // loss is nearly κθ and every negative's nearly 0: the loss grows by about κ.
        for (a, b) in zip(plain, sharp) { #expect(b > 2.5 * a && b < 3.5 * a) }
    }

    @Test("The draw's scale reaches the trainer: β = 1 trains bit for bit as no β, β = 1000 trains otherwise")
    func negativeScoreScaleReachesTheDraw() throws {
        let data = try syntheticSplit()
        func losses(_ beta: Double?) throws -> [UInt64] {
            var c = small(try .preset("hinton-text-mnist"), sizes: [784, 16, 16], epochs: 3)
            c.negativeScoreScale = beta
            let t = try FFTrainer(config: c, data: data)
            try t.train()
            return t.trace.flatMap { $0.layers.map(\.loss.bitPattern) }
        }
        let plain = try losses(nil)
        #expect(try losses(1) == plain)
        #expect(try losses(1000) != plain)
    }

    @Test("Weight decay reaches every layer's update: the weights, not the biases, end a step ηλw lower")
    func weightDecayReachesTheUpdate() throws {
        let data = try syntheticSplit()
        func afterOneStep(_ lambda: Double?) throws -> (before: [[Float]], after: [[Float]], weights: [Int]) {
            var c = small(try .preset("hinton-text-mnist"), sizes: [784, 16, 16], epochs: 1)
            c.weightDecay = lambda
            c.batchSize = data.train.count
            let t = try FFTrainer(config: c, data: data)
            let before = t.layers.map(\.parameters)
            t.step()
            return (before, t.layers.map(\.parameters), t.layers.map(\.weightCount))
        }
        let plain = try afterOneStep(nil)
        let decayed = try afterOneStep(2)
        let shrink: Float = 0.03 * 2  // η of the preset times λ
        for l in 0..<2 {
            #expect(plain.before[l] == decayed.before[l])
            for (i, w0) in plain.before[l].enumerated() {
                let expected = i < plain.weights[l] ? plain.after[l][i] - shrink * w0 : plain.after[l][i]
                #expect(abs(decayed.after[l][i] - expected) < 1e-6)
            }
        }
    }

    @Test("A bad batch size, scored layer, loss sharpness, weight decay or draw scale is refused, naming the parameter")
    func badValues() throws {
        let data = try syntheticSplit()
        var c = small(try .preset("hinton-text-mnist"), sizes: [784, 16, 16], epochs: 1)
        c.batchSize = 0
        #expect((#expect(throws: ConfigurationError.self) { try FFTrainer(config: c, data: data) })?.parameter == "batchSize")
        c.batchSize = 10
        c.scoredFromLayer = 3
        #expect((#expect(throws: ConfigurationError.self) { try FFTrainer(config: c, data: data) })?.parameter == "scoredFromLayer")
        c.scoredFromLayer = 2
        c.lossSharpness = -1
        #expect((#expect(throws: ConfigurationError.self) { try FFTrainer(config: c, data: data) })?.parameter == "lossSharpness")
        c.lossSharpness = nil
        c.weightDecay = -0.1
        #expect((#expect(throws: ConfigurationError.self) { try FFTrainer(config: c, data: data) })?.parameter == "weightDecay")
        c.weightDecay = nil
        c.negativeScoreScale = 0
        #expect((#expect(throws: ConfigurationError.self) { try FFTrainer(config: c, data: data) })?.parameter == "negativeScoreScale")
        c.negativeScoreScale = nil
        let t = try FFTrainer(config: c, data: data)
        try t.train()
        #expect(t.evaluate().perSample.validation.isFinite)
    }

    @Test("The trace sums an epoch's batches: candidates and negatives used count every row once")
    func traceOfAnEpoch() throws {
        let data = try syntheticSplit()
        var config = small(try .preset("amsga-mnist"), sizes: [784, 16, 16], epochs: 4)
        config.batchSize = 40
        let t = try FFTrainer(config: config, data: data)
        try t.train()
        for r in t.trace {
            #expect(r.candidates == data.train.count)
            #expect(r.negativesUsed == r.keptFromBand + r.keptFromHard + r.keptFromTopUp)
            #expect(r.negativesUsed >= NegativeMining.minimum(of: 40) * (data.train.count / 40))
            #expect(r.layers.allSatisfy { $0.loss.isFinite && $0.goodnessPositiveStd >= 0 })
        }
    }
}

@Suite("Minibatch learning on real data (skipped where absent)")
struct MinibatchLearningTests {
    /// Full-batch FF needs hundreds of epochs to move (`LearningTests`);
    /// minibatches take a hundred steps an epoch.
    @Test("Three minibatch epochs on 10,000 MNIST images learn; three full-batch epochs stay at chance")
    func learns() throws {
        guard (try? DataLocator().folder(for: .mnist)) != nil else {
            print("skipping: MNIST not found (set AMSGA_DATA)")
            return
        }
        var config = try FFConfiguration.preset("baseline-mnist")
        config.layerSizes = [784, 200, 200]
        config.epochs = 3
        config.evalEvery = 3
        config.trainSize = 10_000
        config.evalSize = 1000
        config.threads = 1
        let data = try DataSplit.load(.mnist, seed: 0, trainSize: 10_000, evalSize: 1000)
        var accuracy: [Int?: Double] = [:]
        for batch in [100, nil] as [Int?] {
            config.batchSize = batch
            let t = try FFTrainer(config: config, data: data)
            try t.train()
            accuracy[batch] = t.evaluate(fullTrain: false).perSample.validation
        }
        print(
            "baseline FF, 10,000 images, 3 epochs per layer: validation \(accuracy[100]!) in minibatches of 100, \(accuracy[nil]!) full-batch"
        )
        #expect(accuracy[100]! > 0.6)
        #expect(accuracy[nil]! < 0.2)
    }
}
