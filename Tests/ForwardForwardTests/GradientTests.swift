import ForwardForward
import Tensor
import Testing

func randomMatrix(_ rows: Int, _ cols: Int, seed: UInt64, low: Double = -1, high: Double = 1) -> Matrix<Double> {
    var rng = Xoshiro256StarStar(seed: seed)
    var m = Matrix<Double>(rows: rows, cols: cols)
    m.storage.withUnsafeMutableBufferPointer { rng.fillUniform($0, low: low, high: high) }
    return m
}

/// ‖a − b‖ / max(‖a‖, ‖b‖): the relative error of a whole gradient.
func relativeError(_ a: [Double], _ b: [Double]) -> Double {
    let diff = zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
    let scale = max(a.reduce(0) { $0 + $1 * $1 }.squareRoot(), b.reduce(0) { $0 + $1 * $1 }.squareRoot())
    return diff / scale
}

@Suite("Analytic gradients against central differences (Double)")
struct GradientTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var multiScale: Bool
        var reduction: FFConfiguration.LossReduction
        var width: Int
        var depth: Double
        /// κ of softplus(κ(θ − g)).
        var sharpness: Double = 1
        /// g_global of eq. 4 as each sample's own g_local (`GlobalTerm.ownSample`).
        var ownSample = false
        var testDescription: String {
            "\(multiScale ? "multi-scale" : "baseline") goodness\(ownSample ? " (own-sample global term)" : ""), "
                + "\(reduction), D=\(width), d=\(depth), κ=\(sharpness)"
        }
    }

    static let cases: [Case] = [
        Case(multiScale: false, reduction: .concatenated, width: 23, depth: 0),
        Case(multiScale: false, reduction: .separateMeans, width: 23, depth: 0),
        // D = 23: K = 2 groups of 12 and 11; D = 37: K = 3 groups of 13, 12, 12.
        Case(multiScale: true, reduction: .separateMeans, width: 23, depth: 0),
        Case(multiScale: true, reduction: .separateMeans, width: 37, depth: 1),
        Case(multiScale: true, reduction: .concatenated, width: 37, depth: 0.5),
        // D = 15: K < 2, g_inter falls back to g_local.
        Case(multiScale: true, reduction: .separateMeans, width: 15, depth: 0.5),
        Case(multiScale: true, reduction: .separateMeans, width: 37, depth: 1, ownSample: true),
        // A sharper logistic (Hinton's sum of squares is κ = D).
        Case(multiScale: false, reduction: .concatenated, width: 23, depth: 0, sharpness: 23),
    ]

    @Test("dL/dW and dL/db through the normalised layer, the goodness and the loss", arguments: cases)
    func layerGradient(_ c: Case) {
        let inputs = 19
        var rng = Xoshiro256StarStar(seed: 11)
        var layer = FFLayer<Double>(inputSize: inputs, outputSize: c.width, initialisation: .kaimingNormal, rng: &rng)
        // Non-zero biases so that the bias gradient is exercised away from the init.
        for j in layer.weightCount..<layer.parameters.count { layer.parameters[j] = 0.1 * Double(j % 3) - 0.05 }
        let pos = randomMatrix(7, inputs, seed: 12)
        let neg = randomMatrix(5, inputs, seed: 13)
        let g: MultiScaleGoodness<Double> =
            c.multiScale ? .multiScale(width: c.width, depth: c.depth, ownSample: c.ownSample) : .baseline(width: c.width)
        // θ near the goodness values so that both softplus branches have slope.
        let theta = 0.05

        _ = layer.lossAndGradient(positives: pos, negatives: neg, goodness: g, theta: theta, sharpness: c.sharpness, reduction: c.reduction)
        let analytic = layer.gradient
        var numeric = [Double](repeating: 0, count: analytic.count)
        let h = 1e-6
        for k in 0..<layer.parameters.count {
            var plus = layer
            var minus = layer
            plus.parameters[k] += h
            minus.parameters[k] -= h
            let lp = plus.lossAndGradient(
                positives: pos, negatives: neg, goodness: g, theta: theta, sharpness: c.sharpness, reduction: c.reduction)
            let lm = minus.lossAndGradient(
                positives: pos, negatives: neg, goodness: g, theta: theta, sharpness: c.sharpness, reduction: c.reduction)
            numeric[k] = (lp - lm) / (2 * h)
        }
        #expect(analytic.contains { $0 != 0 })
        #expect(relativeError(analytic, numeric) < 1e-6)
    }

    @Test("The global term's gradient reaches every sample of the batch")
    func globalTerm() {
        // Goodness made of g_global alone: dg_i/dh_kj ≠ 0 for k ≠ i.
        let width = 6
        let rows = 4
        let g = MultiScaleGoodness<Double>(width: width, local: 0, inter: 0, global: 1)
        let h0 = randomMatrix(rows, width, seed: 14, low: 0.1, high: 1)
        // s = dL/dg = e_0: only sample 0's goodness in the loss.
        var s = [Double](repeating: 0, count: rows)
        s[0] = 1
        var dh = h0
        var columns = [Double](repeating: 0, count: width)
        dh.storage.withUnsafeMutableBufferPointer { g.backward($0.baseAddress!, rows: rows, dLdg: s, columnSums: &columns) }
        func g0(_ m: Matrix<Double>) -> Double {
            var out = [Double](repeating: 0, count: rows)
            var scratch = out
            m.storage.withUnsafeBufferPointer { g.goodness($0.baseAddress!, rows: rows, into: &out, rowSums: &scratch) }
            return out[0]
        }
        var numeric = [Double](repeating: 0, count: rows * width)
        for k in 0..<rows * width {
            var p = h0
            var m = h0
            p.storage[k] += 1e-6
            m.storage[k] -= 1e-6
            numeric[k] = (g0(p) - g0(m)) / 2e-6
        }
        #expect(relativeError(dh.storage, numeric) < 1e-6)
        #expect(dh.row(3).allSatisfy { $0 != 0 })
    }
}
