/// The matrix products one training step performs: the sgemm work that bounds
/// its speed (the benchmark times them alone).
extension FFTrainer {
    public struct Product: Sendable {
        public var m, n, k: Int
        public var transposeA, transposeB: Bool
    }

    public func epochProducts(_ record: EpochTrace) -> [Product] {
        let s = config.layerSizes
        let neg = record.negativesUsed
        func forward(_ rows: Int, _ l: Int) -> Product { Product(m: rows, n: s[l + 1], k: s[l], transposeA: false, transposeB: true) }
        func weights(_ rows: Int, _ l: Int) -> Product { Product(m: s[l + 1], n: s[l], k: rows, transposeA: true, transposeB: false) }
        if greedy {
            let l = record.trainingLayer - 1
            return [forward(n, l), forward(neg, l), weights(n, l), weights(neg, l)]
        }
        var p = [forward(n, 0)]  // the candidates, scored and reused by layer 1
        if config.negativeMining && config.miningScore == .allLayers {
            for l in 1 ..< layerCount { p.append(forward(n, l)) }
        }
        for l in 0 ..< layerCount {
            p.append(forward(n, l))
            if l > 0 { p.append(forward(neg, l)) }
            p += [weights(n, l), weights(neg, l)]
        }
        return p
    }

    /// Advances a greedy run by one layer-epoch without computing (benchmarks only).
    public func skipGreedyStep() {
        precondition(greedy)
        stepsDone += 1
    }
}
