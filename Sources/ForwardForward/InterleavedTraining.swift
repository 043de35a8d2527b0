import Datasets
import Tensor

/// AMSGA's Algorithm 1: every epoch, fresh candidate negatives, mining, then
/// one full-batch step on each layer in order, layer l seeing the detached
/// outputs of layer l−1 from this same epoch. With minibatches, each batch in
/// turn is mined and steps every layer.
extension FFTrainer {
    func interleavedStep(_ epoch: Int) -> EpochTrace {
        let p = Double(epoch) / Double(config.epochs)
        let lr = schedule.rate(epoch: epoch)
        var labels: [Int]
        switch (fixedNegativeLabels, config.negativeLabels) {
        case (let fixed?, _): labels = fixed
        case (nil, .predicted): labels = predictedNegativeLabels()
        case (nil, .readout): labels = trueLabels  // each batch's rows are overwritten before it steps
        case (nil, let kind): labels = NegativeLabels.draw(data.train.labels, kind: kind, rng: &negativesRNG)
        }
        let (selection, stats): (NegativeMining.Selection, [LayerStatistics])
        let negativesUsed: Int
        if let batches = minibatches(step: epoch) {
            positivesReady = false  // pos.first holds one batch at a time
            var parts: [(NegativeMining.Selection, [LayerStatistics])] = []
            for rows in batches {
                readoutNegativeLabels(rows: rows, learningRate: lr, into: &labels)
                parts.append(interleavedBatch(rows: rows, negativeLabels: labels, progress: p, learningRate: lr))
            }
            selection = NegativeMining.Selection.combined(parts.map(\.0))
            negativesUsed = parts.map(\.0.kept).reduce(0, +)
            stats = LayerStatistics.combined(
                parts.map(\.1), positivesPerBatch: batches.map(\.count),
                negativesPerBatch: parts.map(\.0.kept))
        } else {
            // A batch size of at least n trains full-batch, the read-out too.
            if readout != nil { readoutNegativeLabels(rows: Array(0..<n)[...], learningRate: lr, into: &labels) }
            (selection, stats) = interleavedBatch(rows: nil, negativeLabels: labels, progress: p, learningRate: lr)
            negativesUsed = selection.kept
        }
        return EpochTrace(
            epoch: epoch, layerEpoch: epoch, trainingLayer: 0, learningRate: lr, progress: p,
            stage: selection.stage, bandRadius: selection.bandRadius, candidates: selection.candidates,
            keptFromBand: selection.fromBand, keptFromHard: selection.fromHard,
            keptFromTopUp: selection.fromTopUp, negativesUsed: negativesUsed, layers: stats)
    }

    /// One step of every layer on a batch: all training rows (`rows` nil, the
    /// paper's full batch) or a minibatch's. Its candidate negatives carry
    /// `negativeLabels` (indexed by training row), are mined, then each layer
    /// steps on the positives and the kept negatives.
    func interleavedBatch(
        rows: ArraySlice<Int>?, negativeLabels labels: [Int], progress p: Double,
        learningRate lr: Double
    ) -> (NegativeMining.Selection, [LayerStatistics]) {
        let sizes = config.layerSizes
        let m = rows?.count ?? n
        // Candidates x̃⁻ = overlay(x, shuffle(y)), through layer 1 with this step's weights
        // (and scored there, for mining).
        fillOverlaid(labels: labels, rows: rows, into: neg.first.pointer)
        if config.negativeMining {
            layers[0].forward(
                neg.first.pointer, rows: m, into: neg.h.pointer, scoring: goodness[0],
                into: candidateGoodness.pointer, rowSums: candidateScratch.pointer)
        } else {
            layers[0].forward(neg.first.pointer, rows: m, into: neg.h.pointer)
        }

        let selection = config.negativeMining ? mine(progress: p, rows: m) : NegativeMining.all(m)
        if config.negativeMining {
            compactRows(neg.first.pointer, cols: sizes[0], keeping: selection.indices)
            compactRows(neg.h.pointer, cols: sizes[1], keeping: selection.indices)
        }
        negativeRows = selection.kept
        // After mining, which may score deeper layers in pos.first.
        if let rows { fillOverlaid(labels: trueLabels, rows: rows, into: pos.first.pointer) } else { preparePositives() }

        var stats: [LayerStatistics] = []
        for l in 0..<layerCount {
            let theta = thresholds.theta(layer: l + 1, progress: p)
            let positives = pos.side(l, rows: m)
            let negatives = neg.side(l, rows: negativeRows)
            var st = LayerStep.forwardAndLoss(
                layer: layers[l], goodness: goodness[l], pos: positives, neg: negatives, negativesForwarded: l == 0,
                theta: theta, sharpness: config.sharpness, reduction: config.lossReduction, workspace: workspaces[l])
            let peer = peerNormalisationTerm(layer: l, positives: m)
            if l + 1 < layerCount {
                // x⁺ ← detach(h⁺), x⁻ ← detach(h⁻), normalised for layer l+1, before
                // the backward pass overwrites h.
                let ws = workspaces[l]
                normalise(pos.h.pointer, pos.input(l + 1), rows: m, cols: sizes[l + 1], sumsOfSquares: ws.sumsPos.pointer)
                normalise(
                    neg.h.pointer, neg.input(l + 1), rows: negativeRows, cols: sizes[l + 1],
                    sumsOfSquares: ws.sumsNeg.pointer)
                if (l + 1) % 2 == 0 { positivesReady = false }
            }
            LayerStep.backwardOverwritingActivations(
                layer: &layers[l], goodness: goodness[l], pos: positives,
                neg: negatives, peerTerm: peer, workspace: workspaces[l])
            st.gradientNorm = applyUpdate(layer: l, learningRate: lr)
            stats.append(st)
        }
        return (selection, stats)
    }

    /// Selects among the `n` candidates (eq. 7–10), whose layer-1 activations are
    /// in `neg.h` and their goodness in `candidateGoodness` (without gradient).
    /// `neg.first` and `neg.h` are kept for training; scoring deeper layers runs
    /// in the positives' slots (refilled after).
    func mine(progress p: Double, rows n: Int) -> NegativeMining.Selection {
        let g = candidateGoodness.pointer
        var theta = config.miningThreshold == .base ? config.theta0 : thresholds.theta(layer: 1, progress: p)
        if config.miningScore == .allLayers {
            // Σ_l g_l over all layers, compared with Σ_l of the per-layer thresholds.
            let sizes = config.layerSizes
            positivesReady = false
            for l in 1..<layerCount {
                let previous = l == 1 ? neg.h.pointer : pos.h.pointer
                let input = l % 2 == 1 ? neg.spare.pointer : pos.first.pointer
                // candidateScratch holds the sums of squares of `previous`, which its goodness took.
                normalise(previous, input, rows: n, cols: sizes[l], sumsOfSquares: candidateScratch.pointer)
                let gl = workspaces[l].gNeg.pointer
                layers[l].forward(
                    input, rows: n, into: pos.h.pointer, scoring: goodness[l], into: gl,
                    rowSums: candidateScratch.pointer)
                for i in 0..<n { g[i] += gl[i] }
                theta += config.miningThreshold == .base ? config.theta0 : thresholds.theta(layer: l + 1, progress: p)
            }
        }
        return NegativeMining.select(
            goodness: UnsafeBufferPointer(start: g, count: n), theta: theta,
            progress: p, uniform: { miningRNG.uniformDouble() })
    }

    /// Clips the layer's gradient, takes an Adam or a smoothed-SGD step (decaying
    /// the weights, not the biases, where `weightDecay` is set); returns the
    /// norm before clipping.
    func applyUpdate(layer l: Int, learningRate lr: Double) -> Double {
        let clip = config.clipNorm
        let norm = layers[l].gradient.withUnsafeMutableBufferPointer { clipByGlobalNorm($0, maxNorm: clip) }
        let gradient = layers[l].gradient
        let weights = layers[l].weightCount
        let decay = config.weightDecay ?? 0
        gradient.withUnsafeBufferPointer { g in
            layers[l].parameters.withUnsafeMutableBufferPointer { p in
                switch config.optimiser ?? .adam {
                case .adam: optimizers[l].update(p, gradient: g, learningRate: lr, weightDecay: decay, decayed: weights)
                case .smoothedSGD:
                    optimizers[l].smoothedGradientUpdate(p, gradient: g, learningRate: lr, weightDecay: decay, decayed: weights)
                }
            }
        }
        return norm
    }
}

/// Moves the rows at ascending `indices` to the front, in order.
func compactRows<T>(_ p: UnsafeMutablePointer<T>, cols: Int, keeping indices: [Int]) {
    for (k, i) in indices.enumerated() where k != i {
        (p + k * cols).update(from: p + i * cols, count: cols)
    }
}
