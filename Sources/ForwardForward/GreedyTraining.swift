import Datasets
import Tensor

/// Baseline FF: layer 1 trains for E full-batch epochs on fixed positives and
/// negatives, is frozen, and its outputs feed layer 2, and so on.
extension FFTrainer {
    func greedyStep(_ step: Int) -> EpochTrace {
        let l = (step - 1) / config.epochs
        let e = (step - 1) % config.epochs + 1
        if greedyPreparedLayer != l + 1 { prepareGreedyInputs(layer: l) }
        let p = Double(e) / Double(config.epochs)
        let lr = schedule.rate(epoch: e)
        let theta = thresholds.theta(layer: l + 1, progress: p)
        let positives = pos.side(l, rows: n), negatives = neg.side(l, rows: negativeRows)
        var st = LayerStep.forwardAndLoss(
            layer: layers[l], goodness: goodness[l], pos: positives, neg: negatives, negativesForwarded: false,
            theta: theta, reduction: config.lossReduction, workspace: workspaces[l])
        LayerStep.backwardOverwritingActivations(layer: &layers[l], goodness: goodness[l],
                                                 pos: positives, neg: negatives, workspace: workspaces[l])
        st.gradientNorm = applyUpdate(layer: l, learningRate: lr)
        var stats = [LayerStatistics](repeating: LayerStatistics(), count: layerCount)
        stats[l] = st
        return EpochTrace(epoch: step, layerEpoch: e, trainingLayer: l + 1, learningRate: lr, progress: p,
                          stage: .off, bandRadius: .nan, candidates: n, keptFromBand: 0, keptFromHard: 0,
                          keptFromTopUp: 0, negativesUsed: negativeRows, layers: stats)
    }

    /// Fills layer `l`'s inputs, kept for its E epochs: the true-label positives
    /// and the fixed negatives for layer 1, and for deeper layers the normalised
    /// outputs of the frozen layers below.
    func prepareGreedyInputs(layer l: Int) {
        let sizes = config.layerSizes
        preparePositives()
        fillOverlaid(labels: fixedNegativeLabels!, into: neg.first.pointer)
        negativeRows = n
        for k in 0 ..< l {
            layers[k].forward(pos.input(k), rows: n, into: pos.h.pointer)
            layers[k].forward(neg.input(k), rows: n, into: neg.h.pointer)
            RowKernels.normalizeRows(pos.h.pointer, pos.input(k + 1), rows: n, cols: sizes[k + 1], eps: eps)
            RowKernels.normalizeRows(neg.h.pointer, neg.input(k + 1), rows: n, cols: sizes[k + 1], eps: eps)
            if (k + 1) % 2 == 0 { positivesReady = false }
        }
        greedyPreparedLayer = l + 1
    }
}
