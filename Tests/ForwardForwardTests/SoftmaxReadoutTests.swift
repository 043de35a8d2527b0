import Datasets
import ForwardForward
import Foundation
import Tensor
import Testing

@Suite("The hard negatives' softmax read-out (Hinton's script)")
struct SoftmaxReadoutTests {
    @Test("∂L/∂V of the read-out agrees with central differences of L, over two blocks of features")
    func gradientAgainstDifferences() {
        let widths = [5, 3]
        let rows = 4
        let k = LabelOverlay.classes
        var rng = Xoshiro256StarStar(seed: 11)
        let features = (0..<rows * 8).map { _ in rng.uniformFloat() }
        let labels = [3, 0, 9, 3]
        let readout = SoftmaxReadout(widths: widths, rows: rows)
        readout.weights = (0..<8 * k).map { _ in 2 * rng.uniformFloat() - 1 }
        let (_, gradient) = readout.lossAndGradient(features: features, labels: labels)
        let h: Float = 1e-2
        var numeric: [Double] = []
        for j in readout.weights.indices {
            let w = readout.weights[j]
            readout.weights[j] = w + h
            let up = readout.lossAndGradient(features: features, labels: labels).loss
            readout.weights[j] = w - h
            let down = readout.lossAndGradient(features: features, labels: labels).loss
            readout.weights[j] = w
            numeric.append((up - down) / Double(2 * h))
        }
        #expect(relativeError(gradient.map(Double.init), numeric) < 1e-3)
        // At V = 0 every label is equally likely: L = ln 10.
        readout.weights = [Float](repeating: 0, count: 8 * k)
        #expect(abs(readout.lossAndGradient(features: features, labels: labels).loss - log(10)) < 1e-6)
    }

    func config(epochs: Int) throws -> FFConfiguration {
        var c = small(try .preset("hinton-text-mnist"), sizes: [784, 24, 24, 24], epochs: epochs)
        c.batchSize = 40
        c.negativeLabels = .readout
        return c
    }

    @Test("The read-out learns beside the net (V leaves 0); a resume mid-run is bit-identical, the read-out included")
    func resume() throws {
        let data = try syntheticSplit()
        let (whole, resumed) = try trainedWholeAndResumed(try config(epochs: 4), data: data, stopAfter: 2)
        let readout = try #require(whole.readout)
        #expect(readout.widths == [24, 24] && readout.weights.contains { $0 != 0 })
        #expect(whole.layers.map { $0.parameters.map(\.bitPattern) } == resumed.layers.map { $0.parameters.map(\.bitPattern) })
        #expect(readout.weights.map(\.bitPattern) == resumed.readout?.weights.map(\.bitPattern))
        #expect(readout.smoothedGradient.map(\.bitPattern) == resumed.readout?.smoothedGradient.map(\.bitPattern))
    }

    @Test("Its negatives differ from predicted ones, and a checkpoint with a read-out does not resume a run without one, nor the reverse")
    func mismatches() throws {
        let data = try syntheticSplit()
        var c = try config(epochs: 2)
        let readout = try FFTrainer(config: c, data: data)
        c.negativeLabels = .predicted
        let predicted = try FFTrainer(config: c, data: data)
        readout.step()
        predicted.step()
        #expect(readout.layers.map(\.parameters) != predicted.layers.map(\.parameters))
        let carries = #expect(throws: CheckpointError.self) { try predicted.restore(readout.checkpoint(), trace: readout.trace) }
        #expect(carries?.message.contains("carries a read-out") == true)
        let fresh = try FFTrainer(config: try config(epochs: 2), data: data)
        let lacks = #expect(throws: CheckpointError.self) { try fresh.restore(predicted.checkpoint(), trace: predicted.trace) }
        #expect(lacks?.message.contains("lacks the hard negatives' read-out") == true)
    }

    @Test("It needs interleaved minibatches that draw anew", arguments: ["greedy", "once", "fullBatch"])
    func refusals(_ what: String) throws {
        let data = try syntheticSplit()
        var c = try config(epochs: 1)
        switch what {
        case "greedy":
            c.order = .greedy
            c.negativeRefresh = .once
        case "once": c.negativeRefresh = .once
        default: c.batchSize = nil
        }
        let e = #expect(throws: ConfigurationError.self) { try FFTrainer(config: c, data: data) }
        #expect(e?.parameter == "negativeLabels")
    }

    @Test("Hinton's script in small with its read-out learns (his scale, logistic, smoothed SGD; the read-out's negatives)")
    func hintonsScriptLearns() throws {
        let data = try syntheticSplit()
        var c = small(try .preset("hinton-text-mnist"), sizes: [784, 16, 16], epochs: 6)
        c.inputNormalisation = .unitMeanSquare
        c.initialisation = .normalFanIn
        c.batchSize = 20
        c.theta0 = 1
        c.lossSharpness = 16
        c.optimiser = .smoothedSGD
        c.learningRate = 0.01
        c.negativeLabels = .readout
        c.scoredFromLayer = nil
        let t = try FFTrainer(config: c, data: data)
        try t.train()
        let accuracy = t.evaluate().perSample
        #expect(accuracy.validation > 0.5 && accuracy.test > 0.5, "\(accuracy)")
    }
}
