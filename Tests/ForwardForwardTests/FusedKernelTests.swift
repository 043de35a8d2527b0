import ForwardForward
import Tensor
import Testing

/// The training step makes one pass over h do two kernels' work: bias and
/// ReLU with the goodness; the goodness gradient with the bias gradient (the
/// column sums); the next layer's normalisation with the sums of squares the
/// goodness took. Each must give the bits of the separate kernels, at any
/// thread count: the committed results were trained with those.
@Suite("Fused passes give the separate kernels' bits")
struct FusedKernelTests {
    // Several chunks at 2 and 3 threads; 77 leaves a scalar tail after the SIMD8 vectors.
    static let rows = 3001

    static func inputs(cols: Int) -> (z: [Float], bias: [Float], dLdg: [Float]) {
        var z = ThreadCountTests.random(rows * cols, seed: 11)
        // Rows of very different sizes: a sum taken in another order would round differently.
        for i in 0..<rows { for j in 0..<cols { z[i * cols + j] *= Float(1 + (i * 7919) % 1000) } }
        return (z, ThreadCountTests.random(cols, seed: 12), ThreadCountTests.random(rows, seed: 13))
    }

    static func same(_ a: [Float], _ b: [Float]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
    }

    @Test("bias, ReLU and goodness in one pass", arguments: [77, 500], [1, 2, 3])
    func activateAndScore(cols: Int, threads: Int) {
        let (z, bias, _) = Self.inputs(cols: cols)
        for g in [MultiScaleGoodness<Float>.baseline(width: cols), .multiScale(width: cols, depth: 0.5)] {
            BLASThreads.with(threads) {
                var separate = z
                var fused = z
                var g1 = [Float](repeating: 0, count: Self.rows)
                var s1 = g1
                var g2 = g1
                var s2 = g1
                separate.withUnsafeMutableBufferPointer { h in
                    RowKernels.addBiasReLU(h.baseAddress!, rows: Self.rows, cols: cols, bias: bias)
                    g.goodness(h.baseAddress!, rows: Self.rows, into: &g1, rowSums: &s1)
                }
                fused.withUnsafeMutableBufferPointer { h in
                    g.activateAndScore(h.baseAddress!, rows: Self.rows, bias: bias, into: &g2, rowSums: &s2)
                }
                #expect(Self.same(separate, fused) && Self.same(g1, g2) && Self.same(s1, s2))
            }
        }
    }

    @Test("goodness gradient and its column sums in one pass", arguments: [77, 500], [1, 2, 3])
    func backwardWithColumnSums(cols: Int, threads: Int) {
        let (z, _, s) = Self.inputs(cols: cols)
        let g = MultiScaleGoodness<Float>.multiScale(width: cols, depth: 0.5)
        BLASThreads.with(threads) {
            // The gradient as the step computed it before the passes were fused, then its column sums.
            var sumS: Float = 0
            for i in 0..<Self.rows { sumS += s[i] }
            let beta = 2 * g.globalWeight * sumS / Float(Self.rows * cols)
            var separate = z
            for i in 0..<Self.rows {
                for j in 0..<cols { separate[i * cols + j] *= (2 * s[i]) * g.unitWeights[j] + beta }
            }
            var sums1 = [Float](repeating: 0, count: cols)
            var sums2 = sums1
            RowKernels.columnSums(separate, rows: Self.rows, cols: cols, into: &sums1)
            var fused = z
            fused.withUnsafeMutableBufferPointer { g.backward($0.baseAddress!, rows: Self.rows, dLdg: s, columnSums: &sums2) }
            #expect(Self.same(separate, fused) && Self.same(sums1, sums2))
        }
    }

    @Test("normalisation with the sums of squares already taken", arguments: [1, 2, 3])
    func normalizeWithKnownSums(threads: Int) {
        let cols = 77
        let (z, _, _) = Self.inputs(cols: cols)
        BLASThreads.with(threads) {
            var sums = [Float](repeating: 0, count: Self.rows)
            var a = z
            var b = z
            RowKernels.rowSumsOfSquares(z, rows: Self.rows, cols: cols, into: &sums)
            RowKernels.normalizeRows(z, &a, rows: Self.rows, cols: cols, eps: 1e-4)
            RowKernels.normalizeRows(z, &b, rows: Self.rows, cols: cols, sumsOfSquares: sums, eps: 1e-4)
            #expect(Self.same(a, b))
        }
    }
}
