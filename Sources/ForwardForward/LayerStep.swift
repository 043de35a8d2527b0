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

/// Scratch space of one layer's step, sized for the largest batch.
final class StepWorkspace<T: BLASScalar> {
    let gPos, gNeg, dPos, dNeg, scratch, columns: Buffer<T>
    init(rows: Int, width: Int) {
        gPos = Buffer(rows); gNeg = Buffer(rows); dPos = Buffer(rows); dNeg = Buffer(rows)
        scratch = Buffer(rows); columns = Buffer(width)
    }
}

/// One layer's training step, split at the point where the caller feeds the
/// activations to the next layer:
///   1. `forwardAndLoss`: h = layer(x̂), goodness, loss, s = dL/dg;
///   2. (caller normalises h⁺, h⁻ into the next layer's inputs);
///   3. `backward`: h → dL/dz in place, gradient = Σ dzᵀ x̂ over both batches.
enum LayerStep {
    static func forwardAndLoss<T: BLASScalar>(
        layer: FFLayer<T>, goodness: MultiScaleGoodness<T>,
        xPos: UnsafePointer<T>, hPos: UnsafeMutablePointer<T>, nPos: Int,
        xNeg: UnsafePointer<T>, hNeg: UnsafeMutablePointer<T>, nNeg: Int, negativesForwarded: Bool,
        theta: Double, reduction: FFConfiguration.LossReduction, workspace ws: StepWorkspace<T>
    ) -> LayerStatistics {
        layer.forward(xPos, rows: nPos, into: hPos)
        if !negativesForwarded { layer.forward(xNeg, rows: nNeg, into: hNeg) }
        goodness.goodness(hPos, rows: nPos, into: ws.gPos.pointer, scratch: ws.scratch.pointer)
        goodness.goodness(hNeg, rows: nNeg, into: ws.gNeg.pointer, scratch: ws.scratch.pointer)
        var st = LayerStatistics()
        st.theta = theta
        st.loss = FFLoss.evaluate(pos: ws.gPos.pointer, nPos: nPos, neg: ws.gNeg.pointer, nNeg: nNeg,
                                  theta: theta, reduction: reduction, dPos: ws.dPos.pointer, dNeg: ws.dNeg.pointer)
        (st.goodnessPositiveMean, st.goodnessPositiveStd, st.positivesAboveTheta) =
            summary(ws.gPos.pointer, nPos) { Double($0) > theta }
        (st.goodnessNegativeMean, st.goodnessNegativeStd, st.negativesBelowTheta) =
            summary(ws.gNeg.pointer, nNeg) { Double($0) < theta }
        return st
    }

    static func backward<T: BLASScalar>(
        layer: inout FFLayer<T>, goodness: MultiScaleGoodness<T>,
        xPos: UnsafePointer<T>, hPos: UnsafeMutablePointer<T>, nPos: Int,
        xNeg: UnsafePointer<T>, hNeg: UnsafeMutablePointer<T>, nNeg: Int,
        workspace ws: StepWorkspace<T>
    ) {
        goodness.backward(hPos, rows: nPos, dLdg: ws.dPos.pointer)
        goodness.backward(hNeg, rows: nNeg, dLdg: ws.dNeg.pointer)
        layer.accumulateGradient(dz: hPos, xhat: xPos, rows: nPos, accumulate: false, scratch: ws.columns.pointer)
        layer.accumulateGradient(dz: hNeg, xhat: xNeg, rows: nNeg, accumulate: true, scratch: ws.columns.pointer)
    }

    /// Mean, standard deviation and the fraction meeting `test`, in Double.
    static func summary<T: BLASScalar>(_ p: UnsafePointer<T>, _ n: Int, _ test: (T) -> Bool) -> (Double, Double, Double) {
        guard n > 0 else { return (.nan, .nan, .nan) }
        var s = 0.0, s2 = 0.0, c = 0
        for i in 0 ..< n {
            let v = Double(p[i])
            s += v; s2 += v * v
            if test(p[i]) { c += 1 }
        }
        let mean = s / Double(n)
        return (mean, max(s2 / Double(n) - mean * mean, 0).squareRoot(), Double(c) / Double(n))
    }
}

extension FFLayer {
    /// Loss and gradient (into `gradient`) for raw inputs, normalised here:
    /// the whole layer step on small matrices, for tests and checks.
    public mutating func lossAndGradient(
        positives: Matrix<T>, negatives: Matrix<T>, goodness: MultiScaleGoodness<T>, theta: Double,
        reduction: FFConfiguration.LossReduction, normEpsilon: T = 1e-4
    ) -> Double {
        let nPos = positives.rows, nNeg = negatives.rows
        let ws = StepWorkspace<T>(rows: max(nPos, nNeg), width: outputSize)
        let xp = Buffer<T>(nPos * inputSize), xn = Buffer<T>(nNeg * inputSize)
        let hp = Buffer<T>(nPos * outputSize), hn = Buffer<T>(nNeg * outputSize)
        positives.storage.withUnsafeBufferPointer {
            RowKernels.normalizeRows($0.baseAddress!, xp.pointer, rows: nPos, cols: inputSize, eps: normEpsilon)
        }
        negatives.storage.withUnsafeBufferPointer {
            RowKernels.normalizeRows($0.baseAddress!, xn.pointer, rows: nNeg, cols: inputSize, eps: normEpsilon)
        }
        let st = LayerStep.forwardAndLoss(layer: self, goodness: goodness, xPos: xp.pointer, hPos: hp.pointer, nPos: nPos,
                                          xNeg: xn.pointer, hNeg: hn.pointer, nNeg: nNeg, negativesForwarded: false,
                                          theta: theta, reduction: reduction, workspace: ws)
        LayerStep.backward(layer: &self, goodness: goodness, xPos: xp.pointer, hPos: hp.pointer, nPos: nPos,
                           xNeg: xn.pointer, hNeg: hn.pointer, nNeg: nNeg, workspace: ws)
        return st.loss
    }
}
