import Datasets
import ForwardForward
import Tensor
import Testing

@Suite("Smoothed SGD (Hinton's script)")
struct SmoothedSGDTests {
    @Test("Two steps: s ← 0.9 s + 0.1 g, p ← p(1 − ηλ) − η s, the weight cost on the first `decayed` values only")
    func stepsByHand() {
        let n = 19
        let decayed = 11  // a vector block of 8 straddles the boundary; 3 values in the tail
        var opt = Adam<Float>(count: n)
        var p = (0..<n).map { Float($0) * 0.1 - 0.5 }
        let g1 = (0..<n).map { Float($0 % 5) - 2 }
        let g2 = (0..<n).map { 0.5 * Float($0 % 3) }
        let (eta, lambda) = (0.01, 0.5)
        var expected = p.map(Double.init)
        var s = [Double](repeating: 0, count: n)
        for g in [g1, g2] {
            for i in 0..<n {
                s[i] = 0.9 * s[i] + 0.1 * Double(g[i])
                expected[i] = expected[i] * (i < decayed ? 1 - eta * lambda : 1) - eta * s[i]
            }
            p.withUnsafeMutableBufferPointer { pp in
                g.withUnsafeBufferPointer {
                    opt.smoothedGradientUpdate(pp, gradient: $0, learningRate: eta, weightDecay: lambda, decayed: decayed)
                }
            }
        }
        for i in 0..<n { #expect(abs(Double(p[i]) - expected[i]) < 1e-6, "value \(i)") }
        #expect(opt.step == 2 && opt.v.allSatisfy { $0 == 0 })
    }

    func config(_ optimiser: FFConfiguration.Optimiser?, epochs: Int) throws -> FFConfiguration {
        var c = small(try .preset("hinton-text-mnist"), sizes: [784, 16, 16], epochs: epochs)
        c.batchSize = 40
        c.optimiser = optimiser
        c.learningRate = 0.01
        return c
    }

    @Test("Adam named trains as no optimiser named; smoothed SGD trains otherwise and resumes mid-run bit-identically")
    func reachesTheTrainer() throws {
        let data = try syntheticSplit()
        func parameters(_ o: FFConfiguration.Optimiser?) throws -> [[UInt32]] {
            let t = try FFTrainer(config: try config(o, epochs: 3), data: data)
            try t.train()
            return t.layers.map { $0.parameters.map(\.bitPattern) }
        }
        let plain = try parameters(nil)
        #expect(try parameters(.adam) == plain)
        #expect(try parameters(.smoothedSGD) != plain)

        let (whole, resumed) = try trainedWholeAndResumed(try config(.smoothedSGD, epochs: 4), data: data, stopAfter: 2)
        #expect(whole.layers.map { $0.parameters.map(\.bitPattern) } == resumed.layers.map { $0.parameters.map(\.bitPattern) })
    }
}
