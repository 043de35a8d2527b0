import Datasets
import Tensor

/// AMSGA's Algorithm 1: every epoch, fresh candidate negatives, mining, then
/// one full-batch step on each layer in order, layer l seeing the detached
/// outputs of layer l−1 from this same epoch.
extension FFTrainer {
    func interleavedStep(_ epoch: Int) -> EpochTrace {
        let sizes = config.layerSizes
        let p = Double(epoch) / Double(config.epochs)
        let lr = schedule.rate(epoch: epoch)

        // Candidates x̃⁻ = overlay(x, shuffle(y)), through layer 1 with this epoch's weights.
        let labels = fixedNegativeLabels
            ?? NegativeLabels.draw(data.train.labels, kind: config.negativeLabels, rng: &negativesRNG)
        fillOverlaid(labels: labels, into: negInput[0].pointer)
        layers[0].forward(negInput[0].pointer, rows: n, into: negH[0].pointer)

        let selection = config.negativeMining ? mine(progress: p) : NegativeMining.all(n)
        if config.negativeMining {
            compactRows(negInput[0].pointer, cols: sizes[0], keeping: selection.indices)
            compactRows(negH[0].pointer, cols: sizes[1], keeping: selection.indices)
        }
        negativeRows = selection.kept

        var stats: [LayerStatistics] = []
        for l in 0 ..< layerCount {
            let theta = thresholds.theta(layer: l + 1, progress: p)
            var st = LayerStep.forwardAndLoss(
                layer: layers[l], goodness: goodness[l],
                xPos: posInput[l].pointer, hPos: posH[l].pointer, nPos: n,
                xNeg: negInput[l].pointer, hNeg: negH[l].pointer, nNeg: negativeRows, negativesForwarded: l == 0,
                theta: theta, reduction: config.lossReduction, workspace: workspaces[l])
            if l + 1 < layerCount {
                // x⁺ ← detach(h⁺), x⁻ ← detach(h⁻), normalised for layer l+1.
                RowKernels.normalizeRows(posH[l].pointer, posInput[l + 1].pointer, rows: n, cols: sizes[l + 1], eps: eps)
                RowKernels.normalizeRows(negH[l].pointer, negInput[l + 1].pointer, rows: negativeRows, cols: sizes[l + 1], eps: eps)
            }
            LayerStep.backward(layer: &layers[l], goodness: goodness[l],
                               xPos: posInput[l].pointer, hPos: posH[l].pointer, nPos: n,
                               xNeg: negInput[l].pointer, hNeg: negH[l].pointer, nNeg: negativeRows,
                               workspace: workspaces[l])
            st.gradientNorm = applyUpdate(layer: l, learningRate: lr)
            stats.append(st)
        }
        return EpochTrace(epoch: epoch, layerEpoch: epoch, trainingLayer: 0, learningRate: lr, progress: p,
                          stage: selection.stage, bandRadius: selection.bandRadius, candidates: selection.candidates,
                          keptFromBand: selection.fromBand, keptFromHard: selection.fromHard,
                          keptFromTopUp: selection.fromTopUp, negativesUsed: negativeRows, layers: stats)
    }

    /// Scores the candidates in negH[0] (without gradient) and selects (eq. 7–10).
    func mine(progress p: Double) -> NegativeMining.Selection {
        let g = candidateGoodness.pointer
        goodness[0].goodness(negH[0].pointer, rows: n, into: g, scratch: candidateScratch.pointer)
        var theta = config.miningThreshold == .base ? config.theta0 : thresholds.theta(layer: 1, progress: p)
        if config.miningScore == .allLayers {
            // Σ_l g_l over all layers, compared with Σ_l of the per-layer thresholds.
            let sizes = config.layerSizes
            for l in 1 ..< layerCount {
                RowKernels.normalizeRows(negH[l - 1].pointer, negInput[l].pointer, rows: n, cols: sizes[l], eps: eps)
                layers[l].forward(negInput[l].pointer, rows: n, into: negH[l].pointer)
                let gl = workspaces[l].gNeg.pointer
                goodness[l].goodness(negH[l].pointer, rows: n, into: gl, scratch: candidateScratch.pointer)
                for i in 0 ..< n { g[i] += gl[i] }
                theta += config.miningThreshold == .base ? config.theta0 : thresholds.theta(layer: l + 1, progress: p)
            }
        }
        return NegativeMining.select(goodness: UnsafeBufferPointer(start: g, count: n), theta: theta,
                                     progress: p, uniform: { miningRNG.uniformDouble() })
    }

    /// Clips the layer's gradient, takes an Adam step; returns the norm before clipping.
    func applyUpdate(layer l: Int, learningRate lr: Double) -> Double {
        let clip = config.clipNorm
        let norm = layers[l].gradient.withUnsafeMutableBufferPointer { clipByGlobalNorm($0, maxNorm: clip) }
        let gradient = layers[l].gradient
        gradient.withUnsafeBufferPointer { g in
            layers[l].parameters.withUnsafeMutableBufferPointer { p in
                optimizers[l].update(p, gradient: g, learningRate: lr)
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
