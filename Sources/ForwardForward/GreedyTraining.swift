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
        var st = LayerStep.forwardAndLoss(
            layer: layers[l], goodness: goodness[l],
            xPos: posInput[l].pointer, hPos: posH[l].pointer, nPos: n,
            xNeg: negInput[l].pointer, hNeg: negH[l].pointer, nNeg: negativeRows, negativesForwarded: false,
            theta: theta, reduction: config.lossReduction, workspace: workspaces[l])
        LayerStep.backward(layer: &layers[l], goodness: goodness[l],
                           xPos: posInput[l].pointer, hPos: posH[l].pointer, nPos: n,
                           xNeg: negInput[l].pointer, hNeg: negH[l].pointer, nNeg: negativeRows,
                           workspace: workspaces[l])
        st.gradientNorm = applyUpdate(layer: l, learningRate: lr)
        var stats = [LayerStatistics](repeating: LayerStatistics(), count: layerCount)
        stats[l] = st
        return EpochTrace(epoch: step, layerEpoch: e, trainingLayer: l + 1, learningRate: lr, progress: p,
                          stage: .off, bandRadius: .nan, candidates: n, keptFromBand: 0, keptFromHard: 0,
                          keptFromTopUp: 0, negativesUsed: negativeRows, layers: stats)
    }

    /// Fills layer `l`'s inputs: the fixed negatives for layer 1, and for deeper
    /// layers the normalised outputs of the frozen layers below.
    func prepareGreedyInputs(layer l: Int) {
        let sizes = config.layerSizes
        fillOverlaid(labels: fixedNegativeLabels!, into: negInput[0].pointer)
        negativeRows = n
        for k in 0 ..< l {
            layers[k].forward(posInput[k].pointer, rows: n, into: posH[k].pointer)
            layers[k].forward(negInput[k].pointer, rows: n, into: negH[k].pointer)
            RowKernels.normalizeRows(posH[k].pointer, posInput[k + 1].pointer, rows: n, cols: sizes[k + 1], eps: eps)
            RowKernels.normalizeRows(negH[k].pointer, negInput[k + 1].pointer, rows: n, cols: sizes[k + 1], eps: eps)
        }
        greedyPreparedLayer = l + 1
    }
}
