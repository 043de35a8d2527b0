/// A two-level fractional factorial design 2^(k−p) (Box, Hunter & Hunter,
/// ch. 6; Montgomery, ch. 8): the first k − p factors (the base) run through
/// all 2^(k−p) combinations in standard order, the first factor alternating
/// fastest; each of the other p factors is set to the product of a word of
/// base factors, its generator. Levels are −1 (the low level) and +1.
///
/// An effect is a set of factors, held as a bit mask (bit i: factor i); the
/// defining relation is every product of the generators' words, and an effect
/// is aliased with its product with each of them.
public struct FractionalFactorial: Sendable {
    public let factorCount: Int
    /// generators[g]: the base factors whose product sets factor `baseCount + g`.
    public let generators: [[Int]]

    public init(factors: Int, generators: [[Int]]) {
        precondition(generators.count < factors, "a design needs at least one base factor")
        let base = factors - generators.count
        precondition(generators.allSatisfy { !$0.isEmpty && $0.allSatisfy { (0..<base).contains($0) } }, "generators use base factors only")
        factorCount = factors
        self.generators = generators
    }

    public var baseCount: Int { factorCount - generators.count }
    public var runCount: Int { 1 << baseCount }

    /// The level (−1 or +1) of every factor in every run, runs in standard order.
    public var matrix: [[Int]] {
        (0..<runCount).map { run in
            let base = (0..<baseCount).map { run >> $0 & 1 == 1 ? 1 : -1 }
            return base + generators.map { word in word.reduce(1) { $0 * base[$1] } }
        }
    }

    /// The words of the defining relation I = …, as masks, shortest first.
    public var definingWords: [UInt32] {
        let generatorWords = generators.enumerated().map { g, word in
            word.reduce(UInt32(1) << UInt32(baseCount + g)) { $0 | UInt32(1) << UInt32($1) }
        }
        var words: [UInt32] = []
        for subset in 1..<(1 << generatorWords.count) {
            var w: UInt32 = 0
            for (g, word) in generatorWords.enumerated() where subset >> g & 1 == 1 { w ^= word }
            words.append(w)
        }
        return words.sorted { ($0.nonzeroBitCount, $0) < ($1.nonzeroBitCount, $1) }
    }

    /// The length of the shortest word: III, IV, V, … as 3, 4, 5.
    public var resolution: Int { definingWords.first?.nonzeroBitCount ?? factorCount + 1 }

    /// The effects of at most `order` factors that share a column with `effect`.
    public func aliases(of effect: UInt32, upToOrder order: Int) -> [UInt32] {
        definingWords.map { $0 ^ effect }.filter { $0.nonzeroBitCount <= order }.sorted {
            ($0.nonzeroBitCount, $0) < ($1.nonzeroBitCount, $1)
        }
    }

    /// The two-factor interactions grouped by the column they share, each
    /// chain in order of its first member; a chain also holds any main effect
    /// of its column (none at resolution IV or better).
    public var twoFactorChains: [[UInt32]] {
        var seen = Set<UInt32>()
        var chains: [[UInt32]] = []
        for i in 0..<factorCount {
            for j in i + 1..<factorCount {
                let effect = UInt32(1) << UInt32(i) | UInt32(1) << UInt32(j)
                guard !seen.contains(effect) else { continue }
                let chain = [effect] + aliases(of: effect, upToOrder: 2)
                for effect in chain { seen.insert(effect) }
                chains.append(chain)
            }
        }
        return chains
    }

    /// Each factor's main effect: the mean response at +1 minus the mean at −1.
    public func mainEffects(_ response: [Double]) -> [Double] {
        precondition(response.count == runCount, "one response per run")
        let m = matrix
        return (0..<factorCount).map { f in
            2 * zip(m, response).reduce(0) { $0 + Double($1.0[f]) * $1.1 } / Double(runCount)
        }
    }

    /// The standard error of a main effect, 2σ/√N, for runs whose response has standard deviation σ.
    public func effectStandardError(sigma: Double) -> Double { 2 * sigma / Double(runCount).squareRoot() }

    /// An effect written with letters, "A", "BD", "ABCE"; `letters` names the factors.
    public static func name(_ effect: UInt32, letters: [String]) -> String {
        (0..<letters.count).filter { effect >> UInt32($0) & 1 == 1 }.map { letters[$0] }.joined()
    }
}

/// The standard deviation of replicated runs, pooled over the groups of
/// replicates (each group: one design point at several seeds), with its
/// degrees of freedom Σ (n_g − 1).
public func pooledStandardDeviation(_ groups: [[Double]]) -> (sd: Double, degreesOfFreedom: Int) {
    let df = groups.reduce(0) { $0 + max(0, $1.count - 1) }
    guard df > 0 else { return (.nan, 0) }
    let squares = groups.reduce(0.0) { total, g in
        let m = g.reduce(0, +) / Double(g.count)
        return total + g.reduce(0) { $0 + ($1 - m) * ($1 - m) }
    }
    return ((squares / Double(df)).squareRoot(), df)
}
