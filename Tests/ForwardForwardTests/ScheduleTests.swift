import ForwardForward
import Foundation
import Testing

@Suite("Threshold, learning rate, clipping and Adam, by hand")
struct ScheduleTests {
    @Test("θ(l, p) = θ0 (1 + 0.15 d_l)(1 + 0.3 p) (eq. 11)")
    func threshold() {
        let t = ThresholdSchedule(theta0: 2.0, adaptive: true, layerCount: 3)
        #expect(t.theta(layer: 1, progress: 0) == 2.0)
        #expect(abs(t.theta(layer: 2, progress: 0.5) - 2.0 * 1.075 * 1.15) < 1e-12)
        #expect(abs(t.theta(layer: 3, progress: 1) - 2.0 * 1.15 * 1.3) < 1e-12)
        #expect(ThresholdSchedule(theta0: 2.5, adaptive: false, layerCount: 3).theta(layer: 3, progress: 1) == 2.5)
        #expect(FFConfiguration.DepthMeasure.relative.depth(layer: 1, of: 1) == 0)
    }

    @Test("l/L read literally (eq. 5 and 11 as printed): depths 1/3, 2/3, 1 for three layers")
    func literalDepth() {
        let literal = FFConfiguration.DepthMeasure.literal
        #expect([1, 2, 3].map { literal.depth(layer: $0, of: 3) } == [1.0 / 3, 2.0 / 3, 1])
        let t = ThresholdSchedule(theta0: 2.0, adaptive: true, layerCount: 3, depthMeasure: .literal)
        #expect(abs(t.theta(layer: 1, progress: 0) - 2.0 * (1 + 0.15 / 3)) < 1e-12)
        let first = MultiScaleGoodness<Double>.multiScale(width: 10, depth: literal.depth(layer: 1, of: 3))
        #expect(abs(first.globalWeight - 0.30) < 1e-12)
    }

    @Test("Warm-up to η0 over 0.1 E, cosine down to 0.1 η0 at E (eq. 12–13)")
    func learningRate() {
        let s = LearningRateSchedule(eta0: 0.04, epochs: 100, enabled: true)
        #expect(abs(s.rate(epoch: 1) - 0.004) < 1e-15)
        #expect(abs(s.rate(epoch: 5) - 0.02) < 1e-15)
        #expect(abs(s.rate(epoch: 10) - 0.04) < 1e-15)
        // Half-way through the cosine, (e − 10)/90 = ½: the mean of η0 and η_min.
        #expect(abs(s.rate(epoch: 55) - 0.022) < 1e-12)
        #expect(abs(s.rate(epoch: 100) - 0.004) < 1e-12)
        #expect(LearningRateSchedule(eta0: 0.04, epochs: 100, enabled: false).rate(epoch: 1) == 0.04)
    }

    @Test("Hinton's decay: η0 while e ≤ E/2, then η0 (1 + 2(E − e))/E down to η0/E; exclusive with AMSGA's schedule")
    func linearSecondHalf() throws {
        let s = LearningRateSchedule(eta0: 0.03, epochs: 60, enabled: false, decay: .linearSecondHalf)
        #expect(s.rate(epoch: 1) == 0.03 && s.rate(epoch: 30) == 0.03)
        #expect(abs(s.rate(epoch: 31) - 0.03 * 59 / 60) < 1e-15)
        #expect(abs(s.rate(epoch: 45) - 0.03 * 31 / 60) < 1e-15)
        #expect(abs(s.rate(epoch: 60) - 0.03 / 60) < 1e-15)
        let odd = LearningRateSchedule(eta0: 1, epochs: 5, enabled: false, decay: .linearSecondHalf)
        // Odd E = 5: constant while 2e ≤ 5, then (1 + 2(5 − e))/5 = 1, 0.6, 0.2.
        let expected: [Double] = [1, 1, 1, 0.6, 0.2]
        for e in 1...5 { #expect(abs(odd.rate(epoch: e) - expected[e - 1]) < 1e-15) }
        var c = try FFConfiguration.preset("amsga-mnist")
        c.learningRateDecay = .linearSecondHalf
        #expect((#expect(throws: ConfigurationError.self) { try c.validate() })?.parameter == "learningRateDecay")
        c.learningRateSchedule = false
        try c.validate()
    }

    @Test("Clipping to global norm 0.3: (3, 4) becomes 0.3/(5 + 1e-6) · (3, 4); small gradients untouched")
    func clipping() {
        var g: [Double] = [3, 4]
        let norm = g.withUnsafeMutableBufferPointer { clipByGlobalNorm($0, maxNorm: 0.3) }
        #expect(norm == 5)
        let scale = 0.3 / (5 + 1e-6)
        #expect(abs(g[0] - 3 * scale) < 1e-15 && abs(g[1] - 4 * scale) < 1e-15)
        var small: [Double] = [0.1, 0.2]
        _ = small.withUnsafeMutableBufferPointer { clipByGlobalNorm($0, maxNorm: 0.3) }
        #expect(small == [0.1, 0.2])
    }

    @Test("Adam's first two steps, worked out by hand")
    func adam() {
        var opt = Adam<Double>(count: 1)
        var p: [Double] = [1.0]
        // Step 1, g = 0.5: m = 0.05, v = 0.00025; m̂ = 0.5, v̂ = 0.25; p −= 0.1 · 0.5 / (0.5 + 1e-8).
        let g1: [Double] = [0.5]
        p.withUnsafeMutableBufferPointer { pp in g1.withUnsafeBufferPointer { opt.update(pp, gradient: $0, learningRate: 0.1) } }
        #expect(abs(p[0] - (1 - 0.1 * 0.5 / (0.5 + 1e-8))) < 1e-14)
        // Step 2, g = −1: m = 0.045 − 0.1 = −0.055, v = 0.00024975 + 0.001 = 0.00124975.
        let g2: [Double] = [-1]
        let before = p[0]
        p.withUnsafeMutableBufferPointer { pp in g2.withUnsafeBufferPointer { opt.update(pp, gradient: $0, learningRate: 0.1) } }
        let mHat = -0.055 / (1 - 0.81)
        let vHat = 0.00124975 / (1 - 0.998001)
        #expect(abs(p[0] - (before - 0.1 * mHat / (vHat.squareRoot() + 1e-8))) < 1e-12)
        #expect(opt.step == 2)
    }

    @Test("Weight decay shrinks the first `decayed` values by 1 − ηλ before Adam's step, and no others")
    func adamWeightDecay() {
        // 29 values, 13 decayed: the boundary falls inside a SIMD block, and the last 5 are the scalar tail.
        let n = 29
        let decayed = 13
        let lr = 0.1
        let lambda = 0.5
        let start = (0..<n).map { 0.5 + 0.1 * Double($0) }
        let g = (0..<n).map { Double($0 % 5) - 2 }
        var plain = Adam<Double>(count: n)
        var decaying = Adam<Double>(count: n)
        var p = start
        var q = start
        p.withUnsafeMutableBufferPointer { pp in g.withUnsafeBufferPointer { plain.update(pp, gradient: $0, learningRate: lr) } }
        q.withUnsafeMutableBufferPointer { qq in
            g.withUnsafeBufferPointer { decaying.update(qq, gradient: $0, learningRate: lr, weightDecay: lambda, decayed: decayed) }
        }
        for i in 0..<n {
            // Adam's step alone is p − start; the decayed value adds −ηλ·start.
            let expected = i < decayed ? p[i] - lr * lambda * start[i] : p[i]
            #expect(abs(q[i] - expected) < 1e-12, "value \(i)")
        }
        #expect(decaying.m == plain.m && decaying.v == plain.v)
    }
}

@Suite("Curriculum negative mining (eq. 7–10)")
struct MiningTests {
    /// A uniform source that replays fixed values and counts the draws.
    final class Replay {
        var values: [Double]
        var drawn = 0
        init(_ v: [Double]) { values = v }
        func next() -> Double {
            defer { drawn += 1 }
            return values[drawn % values.count]
        }
    }

    @Test("Stage boundaries: p = 0.3 opens the middle stage at r = 0.5, p = 0.7 the late at r = 1.0")
    func stages() {
        let (s0, r0) = NegativeMining.stage(progress: 0)
        #expect(s0 == .early && abs(r0 - 0.3) < 1e-15)
        let (s1, r1) = NegativeMining.stage(progress: 0.2999999)
        #expect(s1 == .early && abs(r1 - 0.5) < 1e-6)
        let (s2, r2) = NegativeMining.stage(progress: 0.3)
        #expect(s2 == .middle && abs(r2 - 0.5) < 1e-15)
        let (s3, r3) = NegativeMining.stage(progress: 0.7)
        #expect(s3 == .late && abs(r3 - 1.0) < 1e-15)
        let (_, r4) = NegativeMining.stage(progress: 1.0)
        #expect(abs(r4 - 1.5) < 1e-12)
    }

    @Test("Early stage: the band only, topped up to ⌈0.6 N⌉ by highest goodness")
    func earlyWithTopUp() {
        // θ = 2, p = 0: r = 0.3 → band [1.7, 2.3] holds indices 1 and 3.
        let g: [Float] = [0.5, 1.8, 3.5, 2.2, 1.0, 4.0, 0.1, 2.31, 1.69, 0.0]
        let replay = Replay([0.0])
        let s = g.withUnsafeBufferPointer {
            NegativeMining.select(goodness: $0, theta: 2, progress: 0, uniform: replay.next)
        }
        #expect(replay.drawn == 0)
        #expect(s.fromBand == 2 && s.fromHard == 0)
        // ⌈0.6 · 10⌉ = 6: four more, the highest goodness outside: 5 (4.0), 2 (3.5), 7 (2.31), 8 (1.69).
        #expect(s.fromTopUp == 4)
        #expect(s.indices == [1, 2, 3, 5, 7, 8])
        #expect(NegativeMining.minimum(of: 10) == 6 && NegativeMining.minimum(of: 11) == 7)
    }

    @Test("Middle stage at p = 0.3: band r = 0.5 plus g > θ + 0.5 with U < 0.4")
    func middle() {
        let g: [Float] = [2.0, 2.6, 3.0, 3.0, 1.0]
        // U per candidate in index order: hard candidates are 2 and 3 (g = 3.0 > 2.5);
        // 2 draws 0.39 (kept), 3 draws 0.41 (not kept).
        let replay = Replay([0.9, 0.9, 0.39, 0.41, 0.0])
        let s = g.withUnsafeBufferPointer {
            NegativeMining.select(goodness: $0, theta: 2, progress: 0.3, uniform: replay.next)
        }
        #expect(replay.drawn == 5)
        #expect(s.stage == .middle && s.fromBand == 1 && s.fromHard == 1)
        // ⌈0.6 · 5⌉ = 3: one top-up, the highest remaining: index 3 (3.0).
        #expect(s.fromTopUp == 1 && s.indices == [0, 2, 3])
    }

    @Test("Late stage at p = 0.7: band r = 1.0 plus g > θ with U < 0.5")
    func late() {
        let g: [Float] = [3.5, 3.2, 2.0, 0.5, 4.0]
        // Band [1, 3] holds 2; beyond θ: 0, 1, 4 with U 0.49, 0.5, 0.1 → 0 and 4.
        let replay = Replay([0.49, 0.5, 0.9, 0.9, 0.1])
        let s = g.withUnsafeBufferPointer {
            NegativeMining.select(goodness: $0, theta: 2, progress: 0.7, uniform: replay.next)
        }
        #expect(s.stage == .late && s.fromBand == 1 && s.fromHard == 2 && s.fromTopUp == 0)
        #expect(s.indices == [0, 2, 4])
    }
}
