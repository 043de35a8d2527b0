import Foundation
import Tensor

/// The FF loss of one layer and its derivative with respect to each goodness.
public enum FFLoss {
    /// log(1 + eˣ) without overflow.
    @inline(__always)
    public static func softplus(_ x: Double) -> Double { max(x, 0) + log1p(exp(-abs(x))) }

    @inline(__always)
    public static func sigmoid(_ x: Double) -> Double {
        x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x))
    }

    /// Loss of positives g⁺ and negatives g⁻ at threshold θ; writes s = dL/dg into
    /// `dPos` and `dNeg`.
    ///   `.separateMeans` (Algorithm 1): L = mean softplus(κ(θ − g⁺)) + mean softplus(κ(g⁻ − θ))
    ///   `.concatenated` (baseline):     L = mean over both lists together
    /// κ (`sharpness`) is 1 in the paper; Hinton's logistic of the *sum* of
    /// squares minus the width D is κ = D, θ = 1 on this project's mean (docs/strong-ff.md).
    public static func evaluate<T: BLASScalar>(
        pos: UnsafePointer<T>, nPos: Int, neg: UnsafePointer<T>, nNeg: Int, theta: Double, sharpness kappa: Double = 1,
        reduction: FFConfiguration.LossReduction,
        dPos: UnsafeMutablePointer<T>, dNeg: UnsafeMutablePointer<T>
    ) -> Double {
        let (wPos, wNeg) = rowWeights(nPos: nPos, nNeg: nNeg, reduction: reduction)
        var lPos = 0.0
        var lNeg = 0.0
        for i in 0..<nPos {
            let x = kappa * (theta - Double(pos[i]))
            lPos += softplus(x)
            dPos[i] = T(-kappa * sigmoid(x) * wPos)
        }
        for k in 0..<nNeg {
            let x = kappa * (Double(neg[k]) - theta)
            lNeg += softplus(x)
            dNeg[k] = T(kappa * sigmoid(x) * wNeg)
        }
        return lPos * wPos + lNeg * wNeg
    }

    /// The weight of one positive and of one negative row in the loss's mean.
    public static func rowWeights(nPos: Int, nNeg: Int, reduction: FFConfiguration.LossReduction) -> (Double, Double) {
        switch reduction {
        case .separateMeans:
            return (nPos > 0 ? 1 / Double(nPos) : 0, nNeg > 0 ? 1 / Double(nNeg) : 0)
        case .concatenated:
            let n = Double(max(nPos + nNeg, 1))
            return (1 / n, 1 / n)
        }
    }
}
