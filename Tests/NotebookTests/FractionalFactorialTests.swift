import Foundation
import Studies
import Testing

@Suite("Two-level fractional factorial designs")
struct FractionalFactorialTests {
    /// 2^(8−4) with E = BCD, F = ACD, G = ABC, H = ABD (Montgomery, Table 8.14).
    let design = FractionalFactorial(factors: 8, generators: [[1, 2, 3], [0, 2, 3], [0, 1, 2], [0, 1, 3]])
    let letters = ["A", "B", "C", "D", "E", "F", "G", "H"]

    @Test("2^(8−4): 16 runs, resolution IV, 15 defining words, orthogonal and balanced columns")
    func resolutionIV() {
        #expect(design.runCount == 16)
        #expect(design.resolution == 4)
        #expect(design.definingWords.count == 15)
        let words = design.definingWords.map { FractionalFactorial.name($0, letters: letters) }
        #expect(Set(["BCDE", "ACDF", "ABCG", "ABDH"]).isSubset(of: words))
        // Word length pattern: fourteen words of four letters and one of eight.
        #expect(design.definingWords.map(\.nonzeroBitCount) == Array(repeating: 4, count: 14) + [8])
        let m = design.matrix
        for f in 0..<8 {
            #expect(m.reduce(0) { $0 + $1[f] } == 0)
            for g in f + 1..<8 { #expect(m.reduce(0) { $0 + $1[f] * $1[g] } == 0, "columns \(f) and \(g)") }
        }
        // Standard order: A alternates fastest; E = BCD in every run.
        #expect(m[0] == [-1, -1, -1, -1, -1, -1, -1, -1] && m[1] == [1, -1, -1, -1, -1, 1, 1, 1])
        #expect(m.allSatisfy { $0[4] == $0[1] * $0[2] * $0[3] })
    }

    @Test("At resolution IV no main effect shares a column with a two-factor interaction; the 28 interactions fall in 7 chains of 4")
    func aliasChains() {
        for f in 0..<8 { #expect(design.aliases(of: UInt32(1) << UInt32(f), upToOrder: 2).isEmpty) }
        let chains = design.twoFactorChains
        #expect(chains.count == 7 && chains.allSatisfy { $0.count == 4 })
        #expect(chains[0].map { FractionalFactorial.name($0, letters: letters) } == ["AB", "EF", "CG", "DH"])
        // A 2^(3−1) with C = AB is resolution III: C shares its column with AB.
        let small = FractionalFactorial(factors: 3, generators: [[0, 1]])
        #expect(small.resolution == 3 && small.aliases(of: 0b100, upToOrder: 2) == [0b011])
    }

    @Test("Main effects recover a known linear response exactly; mean(+) − mean(−) is twice its coefficient")
    func mainEffects() {
        let coefficients = [0.5, -1.0, 0, 0.25, 2, 0, -0.75, 0.1]
        let response = design.matrix.map { row in 90 + zip(row, coefficients).reduce(0) { $0 + Double($1.0) * $1.1 } }
        let effects = design.mainEffects(response)
        for (e, c) in zip(effects, coefficients) { #expect(abs(e - 2 * c) < 1e-12) }
        #expect(design.effectStandardError(sigma: 1) == 0.5)
    }

    @Test("Pooled sd: Σ squares about each group's mean over Σ (n − 1)")
    func pooled() {
        let (sd, df) = pooledStandardDeviation([[1, 2, 3], [10, 12]])
        #expect(df == 3)
        #expect(abs(sd - ((2.0 + 2.0) / 3).squareRoot()) < 1e-12)
        #expect(pooledStandardDeviation([[1], [2]]).degreesOfFreedom == 0)
    }
}
