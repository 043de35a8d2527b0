import Datasets
import ForwardForward
import Foundation
import Tensor
import Testing

@Suite("Peer normalisation (Hinton's script)")
struct PeerNormalisationTests {
    @Test("The term reaches dW and db ungated by the ReLU: they change by exactly Σᵢ x̂⁺ᵢ ⊗ c and n⁺ c, a silent unit included")
    func termReachesTheGradient() {
        let inputs = 13
        let width = 9
        var rng = Xoshiro256StarStar(seed: 5)
        var layer = FFLayer<Double>(inputSize: inputs, outputSize: width, initialisation: .kaimingNormal, rng: &rng)
        layer.parameters[layer.weightCount] = -100  // unit 1 is off for every input
        let pos = randomMatrix(6, inputs, seed: 6)
        let neg = randomMatrix(4, inputs, seed: 7)
        let g = MultiScaleGoodness<Double>.baseline(width: width)
        let c = (0..<width).map { 0.01 * Double($0 % 4) - 0.015 }
        _ = layer.lossAndGradient(positives: pos, negatives: neg, goodness: g, theta: 0.05, reduction: .concatenated)
        let plain = layer.gradient
        _ = layer.lossAndGradient(positives: pos, negatives: neg, goodness: g, theta: 0.05, reduction: .concatenated, peerTerm: c)
        let withPeer = layer.gradient

        var expected = [Double](repeating: 0, count: plain.count)
        for i in 0..<pos.rows {
            let row = (0..<inputs).map { pos[i, $0] }
            let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot() + 1e-4
            for k in 0..<width {
                for j in 0..<inputs { expected[k * inputs + j] += c[k] * row[j] / norm }
                expected[layer.weightCount + k] += c[k]
            }
        }
        let difference = zip(withPeer, plain).map { $0 - $1 }
        #expect(relativeError(difference, expected) < 1e-12)
        #expect(abs(difference[layer.weightCount] - 6 * c[0]) < 1e-12)  // the silent unit's bias
    }

    @Test("Running means: μ ← 0.9 μ + 0.1 · column means; the term is 2ρw(μ − μ̄) and sums to zero")
    func runningMeansAndTerm() {
        let rows = 3
        let width = 4
        let h: [Float] = [0, 1, 2, 3, 0, 3, 2, 1, 0, 2, 2, 5]
        var means = [Float](repeating: PeerNormalisation.initialMean, count: width)
        var scratch = [Float](repeating: 7, count: width)
        means.withUnsafeMutableBufferPointer { m in
            scratch.withUnsafeMutableBufferPointer { s in
                h.withUnsafeBufferPointer {
                    PeerNormalisation.updateRunningMeans(
                        m.baseAddress!, activations: $0.baseAddress!, rows: rows, width: width,
                        columnSums: s.baseAddress!)
                }
            }
        }
        let columnMeans: [Float] = [0, 2, 2, 3]
        for k in 0..<width { #expect(abs(means[k] - (0.45 + 0.1 * columnMeans[k])) < 1e-6) }
        var term = [Float](repeating: 0, count: width)
        means.withUnsafeBufferPointer { m in
            term.withUnsafeMutableBufferPointer {
                PeerNormalisation.gradientTerm(means: m.baseAddress!, width: width, strength: 0.5, rowWeight: 0.25, into: $0.baseAddress!)
            }
        }
        let layerMean = means.reduce(0, +) / Float(width)
        for k in 0..<width { #expect(abs(term[k] - 0.25 * (means[k] - layerMean)) < 1e-6) }
        #expect(abs(term.reduce(0, +)) < 1e-6)
        #expect(term[0] < 0)  // the least active unit is pushed up (a descent step subtracts the term)
    }

    func config(_ rho: Double?, epochs: Int) throws -> FFConfiguration {
        var c = small(try .preset("hinton-text-mnist"), sizes: [784, 24, 24], epochs: epochs)
        c.batchSize = 40
        c.peerNormalisation = rho
        return c
    }

    /// The spread (standard deviation over units) of each layer's running means after training.
    func spreadOfMeans(_ rho: Double, data: DataSplit) throws -> [Double] {
        let t = try FFTrainer(config: try config(rho, epochs: 8), data: data)
        try t.train()
        return t.peerMeans.map { mu in
            let m = mu.reduce(0.0) { $0 + Double($1) } / Double(mu.count)
            return (mu.reduce(0.0) { $0 + (Double($1) - m) * (Double($1) - m) } / Double(mu.count)).squareRoot()
        }
    }

    @Test("It pulls the units' mean activities together: a strong ρ leaves a smaller spread than a negligible one")
    func pullsMeansTogether() throws {
        let data = try syntheticSplit()
        let weak = try spreadOfMeans(1e-6, data: data)
        let strong = try spreadOfMeans(30, data: data)
        for (w, s) in zip(weak, strong) { #expect(s < 0.7 * w, "spread \(s) with ρ = 30 against \(w) with ρ = 1e-6") }
    }

    @Test("ρ = 0 trains as no peer normalisation; a resume mid-run is bit-identical with it on")
    func zeroAndResume() throws {
        let data = try syntheticSplit()
        func parameters(_ rho: Double?) throws -> [[Float]] {
            let t = try FFTrainer(config: try config(rho, epochs: 3), data: data)
            try t.train()
            return t.layers.map(\.parameters)
        }
        let plain = try parameters(nil)
        #expect(try parameters(0) == plain)
        #expect(try parameters(0.03) != plain)

        let (whole, resumed) = try trainedWholeAndResumed(try config(0.03, epochs: 4), data: data, stopAfter: 2)
        #expect(whole.layers.map { $0.parameters.map(\.bitPattern) } == resumed.layers.map { $0.parameters.map(\.bitPattern) })
        #expect(whole.peerMeans.map { $0.map(\.bitPattern) } == resumed.peerMeans.map { $0.map(\.bitPattern) })
    }

    @Test("A checkpoint without running means does not resume a run with them, nor the reverse; bad ρ is refused")
    func mismatchesAndBadValues() throws {
        let data = try syntheticSplit()
        let plain = try FFTrainer(config: try config(nil, epochs: 2), data: data)
        plain.step()
        let peer = try FFTrainer(config: try config(0.03, epochs: 2), data: data)
        let lacks = #expect(throws: CheckpointError.self) { try peer.restore(plain.checkpoint(), trace: plain.trace) }
        #expect(lacks?.message.contains("lacks peer normalisation") == true)
        peer.step()
        #expect(throws: CheckpointError.self) { try plain.restore(peer.checkpoint(), trace: peer.trace) }

        var c = try config(-1, epochs: 1)
        #expect((#expect(throws: ConfigurationError.self) { try c.validate() })?.parameter == "peerNormalisation")
        c = try .preset("baseline-mnist")
        c.peerNormalisation = 0.03
        #expect((#expect(throws: ConfigurationError.self) { try c.validate() })?.parameter == "peerNormalisation")
    }
}
