import ForwardForward
import Testing

@Suite("Configurations refused by validate, before any data is read")
struct ConfigurationTests {
    /// Each option that only works with others, set on a preset that lacks them.
    static let combinations: [(String, String, @Sendable (inout FFConfiguration) -> Void)] = [
        (
            "predicted labels on the greedy baseline", "negativeLabels",
            {
                $0 = .baseline(.mnist)
                $0.negativeLabels = .predicted
            }
        ),
        (
            "predicted labels drawn once", "negativeLabels",
            {
                $0 = .amsga(.mnist)
                $0.negativeLabels = .predicted
                $0.negativeRefresh = .once
            }
        ),
        (
            "the read-out without minibatches", "negativeLabels",
            {
                $0 = .amsga(.mnist)
                $0.negativeLabels = .readout
            }
        ),
        (
            "the read-out on the greedy baseline", "negativeLabels",
            {
                $0 = .baseline(.mnist)
                $0.negativeLabels = .readout
                $0.batchSize = 100
            }
        ),
        (
            "mining on the greedy baseline", "negativeMining",
            {
                $0 = .baseline(.mnist)
                $0.negativeMining = true
            }
        ),
        (
            "fresh negatives each epoch on the greedy baseline", "negativeRefresh",
            {
                $0 = .baseline(.mnist)
                $0.negativeRefresh = .everyEpoch
            }
        ),
        (
            "peer normalisation on the greedy baseline", "peerNormalisation",
            {
                $0 = .baseline(.mnist)
                $0.peerNormalisation = 0.03
            }
        ),
        (
            "a decay beside AMSGA's schedule", "learningRateDecay",
            {
                $0 = .amsga(.mnist)
                $0.learningRateDecay = .linearSecondHalf
            }
        ),
        ("an own-sample global term without one", "globalTerm", { $0.globalTerm = .ownSample }),
        ("a literal depth nothing reads", "depthMeasure", { $0.depthMeasure = .literal }),
    ]

    @Test(
        "Options that only work together are refused by validate, naming the parameter",
        arguments: combinations.indices)
    func refusedCombination(_ i: Int) throws {
        let (what, parameter, set) = Self.combinations[i]
        var c = FFConfiguration.baseline(.mnist)
        set(&c)
        let e = #expect(throws: ConfigurationError.self, "\(what)") { try c.validate() }
        #expect(e?.parameter == parameter, "\(what): \(e.map { "\($0)" } ?? "not refused")")
    }

    @Test("Every preset validates")
    func presets() throws {
        for name in FFConfiguration.presetNames { try FFConfiguration.preset(name).validate() }
    }
}
