import Tensor

/// Curriculum negative mining (eq. 7–10): which candidate negatives an epoch trains on.
public struct NegativeMining: Sendable {
    public enum Stage: Int, Sendable, Codable {
        case off = 0
        case early = 1
        case middle = 2
        case late = 3
    }

    /// What one epoch's selection did, for the trace.
    public struct Selection: Sendable, Equatable {
        public var stage: Stage
        public var bandRadius: Double
        public var candidates: Int
        public var fromBand: Int
        public var fromHard: Int
        public var fromTopUp: Int
        /// Selected candidate indices, ascending.
        public var indices: [Int]
        public var kept: Int { indices.count }
    }

    /// The stage and band radius r(p) at progress p.
    public static func stage(progress p: Double) -> (Stage, Double) {
        // eq. 7: r = 0.3 + 0.2 p/0.3
        if p < 0.3 { return (.early, 0.3 + 0.2 * p / 0.3) }
        // eq. 8: r = 0.5 + 0.5 (p − 0.3)/0.4
        if p < 0.7 { return (.middle, 0.5 + 0.5 * (p - 0.3) / 0.4) }
        // late stage: r = 1.0 + 0.5 (p − 0.7)/0.3
        return (.late, 1.0 + 0.5 * (p - 0.7) / 0.3)
    }

    /// Minimum kept: ⌈0.6 N⌉.
    public static func minimum(of n: Int) -> Int { (6 * n + 9) / 10 }

    /// Selects from candidate goodness `g` against threshold θ. `uniform` supplies
    /// one fresh U ~ Uniform(0,1) per candidate, in index order, in the middle and
    /// late stages (none are drawn early).
    public static func select<T: BLASScalar>(
        goodness g: UnsafeBufferPointer<T>, theta: Double, progress p: Double,
        uniform: () -> Double
    ) -> Selection {
        let n = g.count
        let (stage, r) = stage(progress: p)
        var keep = [Bool](repeating: false, count: n)
        var band = 0
        var hard = 0
        for i in 0..<n {
            let gi = Double(g[i])
            if abs(gi - theta) <= r {
                keep[i] = true
                band += 1
            }
            switch stage {
            case .middle:
                // eq. 9: ∪ {g > θ + 0.5, U < 0.4}
                let u = uniform()
                if !keep[i] && gi > theta + 0.5 && u < 0.4 {
                    keep[i] = true
                    hard += 1
                }
            case .late:
                // eq. 10: ∪ {g > θ, U < 0.5}
                let u = uniform()
                if !keep[i] && gi > theta && u < 0.5 {
                    keep[i] = true
                    hard += 1
                }
            default:
                break
            }
        }
        // Minimum guarantee: top up with the highest-goodness unselected candidates.
        var topUp = 0
        let need = minimum(of: n) - (band + hard)
        if need > 0 {
            var rest = (0..<n).filter { !keep[$0] }
            // Highest goodness first; ties by index so that the choice is deterministic.
            rest.sort { g[$0] != g[$1] ? g[$0] > g[$1] : $0 < $1 }
            for i in rest.prefix(need) { keep[i] = true }
            topUp = min(need, rest.count)
        }
        var indices: [Int] = []
        indices.reserveCapacity(band + hard + topUp)
        for i in 0..<n where keep[i] { indices.append(i) }
        return Selection(
            stage: stage, bandRadius: r, candidates: n, fromBand: band, fromHard: hard,
            fromTopUp: topUp, indices: indices)
    }

    /// Every candidate kept (mining switched off).
    public static func all(_ n: Int) -> Selection {
        Selection(
            stage: .off, bandRadius: .nan, candidates: n, fromBand: 0, fromHard: 0, fromTopUp: 0,
            indices: Array(0..<n))
    }
}
