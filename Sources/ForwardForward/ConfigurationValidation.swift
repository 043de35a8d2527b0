import Datasets

/// Every check of a configuration, the values alone and the options that
/// only work together, naming the first parameter that is wrong.
extension FFConfiguration {
    /// Checks every value, naming the first bad one.
    public func validate() throws {
        guard layerSizes.count >= 2 else { throw bad("layerSizes", "needs the input size and at least one layer, got \(layerSizes)") }
        guard layerSizes.allSatisfy({ $0 > 0 }) else { throw bad("layerSizes", "sizes must be positive, got \(layerSizes)") }
        guard layerSizes[0] > LabelOverlay.classes else {
            throw bad("layerSizes", "the input must have more than 10 pixels for the label overlay")
        }
        guard epochs > 0 else { throw bad("epochs", "must be positive, got \(epochs)") }
        guard theta0.isFinite && theta0 > 0 else { throw bad("theta0", "must be a positive number, got \(theta0)") }
        if let k = lossSharpness { guard k.isFinite && k > 0 else { throw bad("lossSharpness", "must be a positive number, got \(k)") } }
        guard learningRate.isFinite && learningRate > 0 else { throw bad("learningRate", "must be positive, got \(learningRate)") }
        if learningRateDecay != nil && learningRateSchedule {
            throw bad("learningRateDecay", "excludes learningRateSchedule (AMSGA's warm-up and cosine); switch one of them off")
        }
        if let b = negativeScoreScale {
            guard b.isFinite && b > 0 else { throw bad("negativeScoreScale", "must be a positive number, got \(b)") }
        }
        if let w = weightDecay {
            guard w.isFinite && w >= 0 && w * learningRate < 1 else {
                throw bad("weightDecay", "must be at least 0 and below 1/learningRate, got \(w)")
            }
        }
        if let r = peerNormalisation {
            guard r.isFinite && r >= 0 else { throw bad("peerNormalisation", "must be a number at least 0, got \(r)") }
            guard order == .interleaved else {
                throw bad("peerNormalisation", "needs order 'interleaved' (every layer steps on the same positives)")
            }
        }
        if let c = clipNorm { guard c.isFinite && c > 0 else { throw bad("clipNorm", "must be positive, got \(c)") } }
        guard evalEvery > 0 else { throw bad("evalEvery", "must be positive, got \(evalEvery)") }
        if let b = batchSize { guard b > 0 else { throw bad("batchSize", "must be positive, got \(b)") } }
        if let f = scoredFromLayer {
            guard (1...weightLayerCount).contains(f) else {
                throw bad("scoredFromLayer", "must be a layer between 1 and \(weightLayerCount), got \(f)")
            }
        }
        if let s = trainSize { guard s > 0 else { throw bad("trainSize", "must be positive, got \(s)") } }
        if let s = evalSize { guard s > 0 else { throw bad("evalSize", "must be positive, got \(s)") } }
        guard (1...Self.maxThreads).contains(threads) else {
            throw bad("threads", "must be between 1 and \(Self.maxThreads), got \(threads)")
        }
        guard (0..<1).contains(adamBeta1), (0..<1).contains(adamBeta2) else { throw bad("adamBeta", "must be in [0, 1)") }
        try validateCombinations()
    }

    /// The options that only work together: checked here, with every value,
    /// so that `train`, `run` and `sweep` refuse before they read any data.
    func validateCombinations() throws {
        if negativeLabels == .predicted && (order == .greedy || negativeRefresh == .once) {
            throw bad(
                "negativeLabels",
                "'predicted' needs order 'interleaved' and negativeRefresh 'everyEpoch' (the network predicts anew each step)")
        }
        if negativeLabels == .readout && (order == .greedy || negativeRefresh == .once || batchSize == nil) {
            throw bad(
                "negativeLabels",
                "'readout' needs order 'interleaved', negativeRefresh 'everyEpoch' and a batchSize (the read-out learns and draws on each minibatch)"
            )
        }
        if globalTerm == .ownSample && !multiScaleGoodness {
            throw bad("globalTerm", "'ownSample' needs multiScaleGoodness (the baseline's goodness has no global term)")
        }
        if depthMeasure == .literal && !multiScaleGoodness && !adaptiveThreshold {
            throw bad("depthMeasure", "'literal' needs multiScaleGoodness or adaptiveThreshold (nothing else reads a layer's depth)")
        }
        if order == .greedy && negativeMining {
            throw bad("negativeMining", "needs order 'interleaved' (mining scores this epoch's candidates)")
        }
        if order == .greedy && negativeRefresh == .everyEpoch {
            throw bad("negativeRefresh", "'everyEpoch' needs order 'interleaved'")
        }
    }

    private func bad(_ parameter: String, _ problem: String) -> ConfigurationError {
        ConfigurationError(parameter: parameter, problem: problem)
    }
}
