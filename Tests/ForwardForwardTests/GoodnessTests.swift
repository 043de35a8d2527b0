import ForwardForward
import Tensor
import Testing

@Suite("Multi-scale goodness (eq. 2–6)")
struct GoodnessTests {
    @Test("Groups are sized as numpy.array_split with K = min(8, ⌊D/10⌋)")
    func groups() {
        #expect(MultiScaleGoodness<Float>.groupBounds(width: 600) == Array(stride(from: 0, through: 600, by: 75)))
        // 605 = 8 × 75 + 5: the first five groups hold 76.
        #expect(MultiScaleGoodness<Float>.groupBounds(width: 605) == [0, 76, 152, 228, 304, 380, 455, 530, 605])
        #expect(MultiScaleGoodness<Float>.groupBounds(width: 37) == [0, 13, 25, 37])
        #expect(MultiScaleGoodness<Float>.groupBounds(width: 19).isEmpty)  // K = 1 < 2
    }

    @Test("Depth weights: [0.40, 0.35, 0.25] first layer, [0.25, 0.35, 0.40] last")
    func weights() {
        let first = MultiScaleGoodness<Double>.multiScale(width: 10, depth: 0)
        let last = MultiScaleGoodness<Double>.multiScale(width: 10, depth: 1)
        #expect(abs(first.globalWeight - 0.25) < 1e-15 && abs(last.globalWeight - 0.40) < 1e-15)
        // K < 2 at D = 10: each unit weight is (w_local + 0.35) / D.
        #expect(abs(first.unitWeights[0] - 0.75 / 10) < 1e-15 && abs(last.unitWeights[0] - 0.60 / 10) < 1e-15)
    }

    @Test("g equals eq. 6 built from eq. 2, 3 and 4 literally")
    func literal() {
        let rows = 6
        let width = 605
        let h = randomMatrix(rows, width, seed: 21, low: 0, high: 2)
        let d = 0.5
        let g = MultiScaleGoodness<Double>.multiScale(width: width, depth: d)
        var out = [Double](repeating: 0, count: rows)
        var scratch = out
        h.storage.withUnsafeBufferPointer { g.goodness($0.baseAddress!, rows: rows, into: &out, rowSums: &scratch) }

        let bounds = MultiScaleGoodness<Double>.groupBounds(width: width)
        var groupMeans = [Double](repeating: 0, count: rows * 8)
        h.storage.withUnsafeBufferPointer {
            RowKernels.rowGroupMeansOfSquares($0.baseAddress!, rows: rows, cols: width, bounds: bounds, into: &groupMeans)
        }
        let global = h.storage.reduce(0) { $0 + $1 * $1 } / Double(rows * width)
        for i in 0..<rows {
            let local = h.row(i).reduce(0) { $0 + $1 * $1 } / Double(width)
            let inter = groupMeans[i * 8..<i * 8 + 8].reduce(0, +) / 8
            let expected = (0.40 - 0.15 * d) * local + 0.35 * inter + (0.25 + 0.15 * d) * global
            #expect(abs(out[i] - expected) < 1e-12)
        }
    }

    @Test("Own-sample global term: eq. 6 with g_global = the sample's g_local; no sample's goodness depends on another")
    func ownSample() {
        let rows = 5
        let width = 605
        let h = randomMatrix(rows, width, seed: 22, low: 0, high: 2)
        let d = 1.0 / 3
        let own = MultiScaleGoodness<Double>.multiScale(width: width, depth: d, ownSample: true)
        let batch = MultiScaleGoodness<Double>.multiScale(width: width, depth: d)
        #expect(own.globalWeight == 0)
        var out = [Double](repeating: 0, count: rows)
        var parts = out
        var scratch = out
        h.storage.withUnsafeBufferPointer {
            own.goodness($0.baseAddress!, rows: rows, into: &out, rowSums: &scratch)
            batch.evaluate($0.baseAddress!, rows: rows, part: &parts, rowSums: &scratch)
        }
        for i in 0..<rows {
            // The batch reading's per-sample part plus its global weight times the sample's own g_local.
            let expected = parts[i] + batch.globalWeight * scratch[i] / Double(width)
            #expect(abs(out[i] - expected) < 1e-12)
        }
        var first = [0.0]
        var firstScratch = [0.0]
        h.storage.withUnsafeBufferPointer { own.goodness($0.baseAddress!, rows: 1, into: &first, rowSums: &firstScratch) }
        #expect(abs(first[0] - out[0]) < 1e-12)
    }
}
