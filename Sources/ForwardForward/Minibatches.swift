// An epoch's record when it was trained in minibatches: the batches' parts
// combined into one row of the trace.

extension NegativeMining.Selection {
    /// The epoch's selection: counts summed over the batches; the stage and
    /// band radius are the epoch's (p is per epoch); indices are per batch, so none are kept.
    static func combined(_ parts: [NegativeMining.Selection]) -> NegativeMining.Selection {
        var c = NegativeMining.Selection(
            stage: parts.first?.stage ?? .off, bandRadius: parts.first?.bandRadius ?? .nan,
            candidates: 0, fromBand: 0, fromHard: 0, fromTopUp: 0, indices: [])
        for s in parts {
            c.candidates += s.candidates
            c.fromBand += s.fromBand
            c.fromHard += s.fromHard
            c.fromTopUp += s.fromTopUp
        }
        return c
    }
}

extension LayerStatistics {
    /// Each layer's statistics over an epoch of minibatches: the loss, the
    /// goodness means and the fractions weighted by each batch's rows (positives
    /// or kept negatives), the standard deviations pooled (√(E[g²] − E[g]²)),
    /// and the gradient norm the mean of the batches' norms before clipping.
    static func combined(_ batches: [[LayerStatistics]], positivesPerBatch: [Int], negativesPerBatch: [Int]) -> [LayerStatistics] {
        guard let layerCount = batches.first?.count else { return [] }
        return (0..<layerCount).map { l in
            var c = LayerStatistics()
            let parts = batches.map { $0[l] }
            let wp = positivesPerBatch.map(Double.init)
            let wn = negativesPerBatch.map(Double.init)
            let wAll = zip(wp, wn).map { $0 + $1 }
            func weighted(_ w: [Double], _ f: (LayerStatistics) -> Double) -> Double {
                let total = w.reduce(0, +)
                return total > 0 ? zip(parts, w).map { f($0) * $1 }.reduce(0, +) / total : .nan
            }
            func pooledSD(_ w: [Double], _ mean: (LayerStatistics) -> Double, _ sd: (LayerStatistics) -> Double) -> Double {
                let m = weighted(w, mean)
                let second = weighted(w) { sd($0) * sd($0) + mean($0) * mean($0) }
                return max(second - m * m, 0).squareRoot()
            }
            c.loss = weighted(wAll) { $0.loss }
            c.theta = parts.first?.theta ?? .nan
            c.goodnessPositiveMean = weighted(wp) { $0.goodnessPositiveMean }
            c.goodnessPositiveStd = pooledSD(wp, { $0.goodnessPositiveMean }, { $0.goodnessPositiveStd })
            c.goodnessNegativeMean = weighted(wn) { $0.goodnessNegativeMean }
            c.goodnessNegativeStd = pooledSD(wn, { $0.goodnessNegativeMean }, { $0.goodnessNegativeStd })
            c.positivesAboveTheta = weighted(wp) { $0.positivesAboveTheta }
            c.negativesBelowTheta = weighted(wn) { $0.negativesBelowTheta }
            c.gradientNorm = parts.isEmpty ? .nan : parts.map(\.gradientNorm).reduce(0, +) / Double(parts.count)
            return c
        }
    }
}
