import Datasets
import Tensor

/// Baseline FF: layer 1 trains for E full-batch epochs on fixed positives and
/// negatives, is frozen, and its outputs feed layer 2, and so on.
extension FFTrainer {
    func greedyStep(_ step: Int) -> EpochTrace {
        let l = (step - 1) / config.epochs
        let e = (step - 1) % config.epochs + 1
        let p = Double(e) / Double(config.epochs)
        let lr = schedule.rate(epoch: e)
        let theta = thresholds.theta(layer: l + 1, progress: p)
        var stats = [LayerStatistics](repeating: LayerStatistics(), count: layerCount)
        if let batches = minibatches(step: step) {
            positivesReady = false
            greedyPreparedLayer = 0  // the slots hold one batch at a time
            let parts = batches.map { rows in
                prepareGreedyInputs(layer: l, rows: rows)
                return [greedyLayerStep(l, rows: rows.count, theta: theta, learningRate: lr)]
            }
            stats[l] =
                LayerStatistics.combined(
                    parts, positivesPerBatch: batches.map(\.count),
                    negativesPerBatch: batches.map(\.count))[0]
        } else {
            if greedyPreparedLayer != l + 1 { prepareGreedyInputs(layer: l) }
            stats[l] = greedyLayerStep(l, rows: n, theta: theta, learningRate: lr)
        }
        return EpochTrace(
            epoch: step, layerEpoch: e, trainingLayer: l + 1, learningRate: lr, progress: p,
            stage: .off, bandRadius: .nan, candidates: n, keptFromBand: 0, keptFromHard: 0,
            keptFromTopUp: 0, negativesUsed: n, layers: stats)
    }

    /// One step of layer l on the `rows` positives and negatives its input slots hold.
    func greedyLayerStep(_ l: Int, rows: Int, theta: Double, learningRate lr: Double) -> LayerStatistics {
        let positives = pos.side(l, rows: rows)
        let negatives = neg.side(l, rows: rows)
        var st = LayerStep.forwardAndLoss(
            layer: layers[l], goodness: goodness[l], pos: positives, neg: negatives, negativesForwarded: false,
            theta: theta, sharpness: config.sharpness, reduction: config.lossReduction, workspace: workspaces[l])
        LayerStep.backwardOverwritingActivations(
            layer: &layers[l], goodness: goodness[l],
            pos: positives, neg: negatives, workspace: workspaces[l])
        st.gradientNorm = applyUpdate(layer: l, learningRate: lr)
        return st
    }

    /// Fills layer `l`'s inputs, kept for its E epochs: the true-label positives
    /// and the fixed negatives for layer 1, and for deeper layers the normalised
    /// outputs of the frozen layers below. With a minibatch's `rows`, that
    /// batch's inputs, recomputed through the frozen layers for each batch.
    func prepareGreedyInputs(layer l: Int, rows: ArraySlice<Int>? = nil) {
        let sizes = config.layerSizes
        let m = rows?.count ?? n
        if let rows { fillOverlaid(labels: trueLabels, rows: rows, into: pos.first.pointer) } else { preparePositives() }
        fillOverlaid(labels: fixedNegativeLabels!, rows: rows, into: neg.first.pointer)
        negativeRows = m
        for k in 0..<l {
            layers[k].forward(pos.input(k), rows: m, into: pos.h.pointer)
            layers[k].forward(neg.input(k), rows: m, into: neg.h.pointer)
            normalise(pos.h.pointer, pos.input(k + 1), rows: m, cols: sizes[k + 1])
            normalise(neg.h.pointer, neg.input(k + 1), rows: m, cols: sizes[k + 1])
            if (k + 1) % 2 == 0 { positivesReady = false }
        }
        if rows == nil { greedyPreparedLayer = l + 1 }
    }
}
