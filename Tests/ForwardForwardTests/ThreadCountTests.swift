import ForwardForward
import Tensor
import Testing

/// The Swift kernels split their rows (or columns, or values) over the
/// threads a trainer asks for; their results must not depend on how many.
@Suite("Swift kernels give the same bits at 1, 2 and 3 threads")
struct ThreadCountTests {
    // 3001 rows of 77 columns: well past the one-thread cutoff, uneven chunks
    // at 2 and 3 threads, and a scalar tail after the SIMD8 vectors of each row.
    static let rows = 3001, cols = 77

    static func random(_ count: Int, seed: UInt64, low: Float = -1) -> [Float] {
        var rng = Xoshiro256StarStar(seed: seed)
        var v = [Float](repeating: 0, count: count)
        v.withUnsafeMutableBufferPointer { rng.fillUniform($0, low: low, high: 1) }
        return v
    }

    /// Every kernel of a training step on the same inputs, at `threads`; all their outputs, concatenated.
    static func kernelOutputs(threads: Int) -> [Float] {
        BLASThreads.with(threads) {
            let (n, d) = (rows, cols)
            let x = random(n * d, seed: 1)
            var out: [Float] = []
            var y = [Float](repeating: 0, count: n * d)
            var z = x
            let bias = random(d, seed: 2)
            var sums = [Float](repeating: 0, count: n)
            var colSums = [Float](repeating: 0, count: d)
            let bounds = MultiScaleGoodness<Float>.groupBounds(width: d)
            var groups = [Float](repeating: 0, count: n * (bounds.count - 1))
            x.withUnsafeBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { RowKernels.normalizeRows(xp.baseAddress!, $0.baseAddress!, rows: n, cols: d, eps: 1e-4) }
                sums.withUnsafeMutableBufferPointer {
                    RowKernels.rowSumsOfSquares(xp.baseAddress!, rows: n, cols: d, into: $0.baseAddress!)
                }
                groups.withUnsafeMutableBufferPointer {
                    RowKernels.rowGroupMeansOfSquares(xp.baseAddress!, rows: n, cols: d, bounds: bounds, into: $0.baseAddress!)
                }
                colSums.withUnsafeMutableBufferPointer { RowKernels.columnSums(xp.baseAddress!, rows: n, cols: d, into: $0.baseAddress!) }
            }
            z.withUnsafeMutableBufferPointer { zp in
                bias.withUnsafeBufferPointer { RowKernels.addBiasReLU(zp.baseAddress!, rows: n, cols: d, bias: $0.baseAddress!) }
            }
            out += y + sums + groups + colSums + z

            // Goodness, its batch-global term and its gradient (in place), on the ReLU
            // outputs with rows of very different sizes, so that a sum taken in
            // another order would round differently and show.
            for i in 0..<n { for j in 0..<d { z[i * d + j] *= Float(1 + (i * 7919) % 1000) } }
            let g = MultiScaleGoodness<Float>.multiScale(width: d, depth: 0.5)
            var goodness = [Float](repeating: 0, count: n)
            var scratch = [Float](repeating: 0, count: n)
            let dLdg = random(n, seed: 3)
            let global = z.withUnsafeBufferPointer { zp in
                goodness.withUnsafeMutableBufferPointer { gp in
                    scratch.withUnsafeMutableBufferPointer {
                        g.evaluate(zp.baseAddress!, rows: n, part: gp.baseAddress!, rowSums: $0.baseAddress!)
                    }
                }
            }
            out.append(global)
            z.withUnsafeMutableBufferPointer { zp in
                goodness.withUnsafeMutableBufferPointer { gp in
                    scratch.withUnsafeMutableBufferPointer {
                        g.goodness(zp.baseAddress!, rows: n, into: gp.baseAddress!, rowSums: $0.baseAddress!)
                    }
                }
                colSums.withUnsafeMutableBufferPointer { cp in
                    dLdg.withUnsafeBufferPointer {
                        g.backward(zp.baseAddress!, rows: n, dLdg: $0.baseAddress!, columnSums: cp.baseAddress!)
                    }
                }
            }
            out += goodness + z + colSums

            // Two Adam steps on n·d parameters.
            var adam = Adam<Float>(count: n * d)
            var params = random(n * d, seed: 4)
            let gradient = random(n * d, seed: 5)
            for _ in 0..<2 {
                params.withUnsafeMutableBufferPointer { p in
                    gradient.withUnsafeBufferPointer { adam.update(p, gradient: $0, learningRate: 0.01) }
                }
            }
            return out + params + adam.m + adam.v
        }
    }

    @Test("row kernels, goodness forward and backward, Adam")
    func sameBits() {
        let one = Self.kernelOutputs(threads: 1)
        for threads in [2, 3] {
            let other = Self.kernelOutputs(threads: threads)
            #expect(other.count == one.count)
            let differing = zip(one, other).filter { $0.bitPattern != $1.bitPattern }.count
            #expect(differing == 0, "\(differing) of \(one.count) values differ between 1 and \(threads) threads")
        }
    }
}
