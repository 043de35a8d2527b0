import Foundation
import Tensor

/// Per-epoch statistics of one layer (the trace's per-layer columns).
public struct LayerStatistics: Sendable, Equatable {
    public var loss = Double.nan
    public var goodnessPositiveMean = Double.nan
    public var goodnessPositiveStd = Double.nan
    public var goodnessNegativeMean = Double.nan
    public var goodnessNegativeStd = Double.nan
    public var theta = Double.nan
    /// Fraction of positives with g⁺ > θ and of negatives with g⁻ < θ.
    public var positivesAboveTheta = Double.nan
    public var negativesBelowTheta = Double.nan
    /// ‖(dW, db)‖₂ before clipping.
    public var gradientNorm = Double.nan
    public init() {}
}

/// Scratch space of one layer's step, sized for the largest batch: per side,
/// the goodness g, dL/dg and the rows' sums of squares of h (which the next
/// layer's normalisation reuses); the column sums of dL/dz (the bias gradient).
final class StepWorkspace<T: BLASScalar> {
    let gPos, gNeg, dPos, dNeg, sumsPos, sumsNeg, columns: Buffer<T>
    init(rows: Int, width: Int) {
        gPos = Buffer(rows)
        gNeg = Buffer(rows)
        dPos = Buffer(rows)
        dNeg = Buffer(rows)
        sumsPos = Buffer(rows)
        sumsNeg = Buffer(rows)
        columns = Buffer(width)
    }
}

/// One side of a layer's step (the positives or the negatives): `rows`
/// normalised inputs x̂ and the buffer their activations h go to.
struct StepSide<T: BLASScalar> {
    var x: UnsafePointer<T>
    var h: UnsafeMutablePointer<T>
    var rows: Int
}

/// One layer's training step, split at the point where the caller feeds the
/// activations to the next layer:
///   1. `forwardAndLoss`: h = layer(x̂), goodness, loss, s = dL/dg;
///   2. (caller normalises h⁺, h⁻ into the next layer's inputs, with the
///      rows' sums of squares the goodness took: `sumsPos`, `sumsNeg`);
///   3. `backwardOverwritingActivations`: h → dL/dz in place, gradient = Σ dzᵀ x̂
///      over both sides. h is gone after it: hence step 2 comes first.
enum LayerStep {
    /// With `negativesForwarded`, `neg.h` already holds the negatives' activations (mining computed them).
    static func forwardAndLoss<T: BLASScalar>(
        layer: FFLayer<T>, goodness: MultiScaleGoodness<T>, pos: StepSide<T>, neg: StepSide<T>,
        negativesForwarded: Bool, theta: Double, sharpness: Double, reduction: FFConfiguration.LossReduction,
        workspace ws: StepWorkspace<T>
    ) -> LayerStatistics {
        let (hPos, nPos, hNeg, nNeg) = (pos.h, pos.rows, neg.h, neg.rows)
        layer.forward(pos.x, rows: nPos, into: hPos, scoring: goodness, into: ws.gPos.pointer, rowSums: ws.sumsPos.pointer)
        if negativesForwarded {
            goodness.goodness(hNeg, rows: nNeg, into: ws.gNeg.pointer, rowSums: ws.sumsNeg.pointer)
        } else {
            layer.forward(neg.x, rows: nNeg, into: hNeg, scoring: goodness, into: ws.gNeg.pointer, rowSums: ws.sumsNeg.pointer)
        }
        var st = LayerStatistics()
        st.theta = theta
        st.loss = FFLoss.evaluate(
            pos: ws.gPos.pointer, nPos: nPos, neg: ws.gNeg.pointer, nNeg: nNeg,
            theta: theta, sharpness: sharpness, reduction: reduction, dPos: ws.dPos.pointer, dNeg: ws.dNeg.pointer)
        (st.goodnessPositiveMean, st.goodnessPositiveStd, st.positivesAboveTheta) =
            summary(ws.gPos.pointer, nPos) { Double($0) > theta }
        (st.goodnessNegativeMean, st.goodnessNegativeStd, st.negativesBelowTheta) =
            summary(ws.gNeg.pointer, nNeg) { Double($0) < theta }
        return st
    }

    /// `peerTerm`: what peer normalisation adds to each positive row's dL/dz (PeerNormalisation).
    static func backwardOverwritingActivations<T: BLASScalar>(
        layer: inout FFLayer<T>, goodness: MultiScaleGoodness<T>, pos: StepSide<T>, neg: StepSide<T>,
        peerTerm: UnsafePointer<T>? = nil, workspace ws: StepWorkspace<T>
    ) {
        // Positives first, then the negatives added: the order of the sums is part of the bits.
        goodness.backward(pos.h, rows: pos.rows, dLdg: ws.dPos.pointer, columnSums: ws.columns.pointer)
        if let peerTerm {
            PeerNormalisation.addTerm(
                peerTerm, toRowsOf: pos.h, rows: pos.rows, width: layer.outputSize,
                columnSums: ws.columns.pointer)
        }
        layer.accumulateGradient(dz: pos.h, xhat: pos.x, rows: pos.rows, accumulate: false, columnSums: ws.columns.pointer)
        goodness.backward(neg.h, rows: neg.rows, dLdg: ws.dNeg.pointer, columnSums: ws.columns.pointer)
        layer.accumulateGradient(dz: neg.h, xhat: neg.x, rows: neg.rows, accumulate: true, columnSums: ws.columns.pointer)
    }

    /// Mean, standard deviation and the fraction meeting `test`, in Double.
    static func summary<T: BLASScalar>(_ p: UnsafePointer<T>, _ n: Int, _ test: (T) -> Bool) -> (Double, Double, Double) {
        guard n > 0 else { return (.nan, .nan, .nan) }
        var s = 0.0
        var s2 = 0.0
        var c = 0
        for i in 0..<n {
            let v = Double(p[i])
            s += v
            s2 += v * v
            if test(p[i]) { c += 1 }
        }
        let mean = s / Double(n)
        return (mean, max(s2 / Double(n) - mean * mean, 0).squareRoot(), Double(c) / Double(n))
    }
}

extension FFLayer {
    /// Loss and gradient (into `gradient`) for raw inputs, normalised here:
    /// the whole layer step on small matrices, for tests and checks;
    /// `peerTerm` is added to each positive row's dL/dz (PeerNormalisation).
    public mutating func lossAndGradient(
        positives: Matrix<T>, negatives: Matrix<T>, goodness: MultiScaleGoodness<T>, theta: Double, sharpness: Double = 1,
        reduction: FFConfiguration.LossReduction, normEpsilon: T = 1e-4, peerTerm: [T]? = nil
    ) -> Double {
        let nPos = positives.rows
        let nNeg = negatives.rows
        let ws = StepWorkspace<T>(rows: max(nPos, nNeg), width: outputSize)
        let xp = Buffer<T>(nPos * inputSize)
        let xn = Buffer<T>(nNeg * inputSize)
        let hp = Buffer<T>(nPos * outputSize)
        let hn = Buffer<T>(nNeg * outputSize)
        positives.storage.withUnsafeBufferPointer {
            RowKernels.normalizeRows($0.baseAddress!, xp.pointer, rows: nPos, cols: inputSize, eps: normEpsilon)
        }
        negatives.storage.withUnsafeBufferPointer {
            RowKernels.normalizeRows($0.baseAddress!, xn.pointer, rows: nNeg, cols: inputSize, eps: normEpsilon)
        }
        let pos = StepSide<T>(x: xp.pointer, h: hp.pointer, rows: nPos)
        let neg = StepSide<T>(x: xn.pointer, h: hn.pointer, rows: nNeg)
        let st = LayerStep.forwardAndLoss(
            layer: self, goodness: goodness, pos: pos, neg: neg, negativesForwarded: false,
            theta: theta, sharpness: sharpness, reduction: reduction, workspace: ws)
        if let peerTerm {
            peerTerm.withUnsafeBufferPointer {
                LayerStep.backwardOverwritingActivations(
                    layer: &self, goodness: goodness, pos: pos, neg: neg,
                    peerTerm: $0.baseAddress!, workspace: ws)
            }
        } else {
            LayerStep.backwardOverwritingActivations(layer: &self, goodness: goodness, pos: pos, neg: neg, workspace: ws)
        }
        return st.loss
    }
}
