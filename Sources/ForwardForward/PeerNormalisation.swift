import Tensor

/// Hinton's peer normalisation (the Matlab script released with
/// arXiv:2212.13345; docs/strong-ff.md). Each unit k of a layer keeps a
/// running mean of its activity on the positives,
///   μ_k ← 0.9 μ_k + 0.1 · mean_i h⁺_ik        (μ_k starts at 0.5),
/// updated on every minibatch before the layer's backward pass, and every
/// positive row's gradient with respect to the unit's total input z gains
///   ∂L/∂z_ik += 2ρ w (μ_k − μ̄),   μ̄ = mean_k μ_k,
/// where w is the loss's weight of one positive row (1/(n⁺ + n⁻) or 1/n⁺).
/// Units less active than their layer are pushed up, more active ones down.
///
/// It is not the gradient of a loss: like his script, the term is not gated
/// by the ReLU (h > 0), so that it reaches a unit that is always off and can
/// revive it. The factor 2 keeps his proportion to the FF gradient: his script
/// steps along (1 − p) h, half the derivative of log σ that this project's loss
/// takes, so with κ = D and θ0 = 1 (his logistic) ρ = 0.03 is his lambdamean.
public enum PeerNormalisation {
    public static let initialMean: Float = 0.5
    public static let momentum: Float = 0.9

    /// μ ← 0.9 μ + 0.1 · (column means of the `rows` × `width` activations `h`);
    /// `columnSums` is scratch of `width` values.
    public static func updateRunningMeans<T: BLASScalar>(
        _ means: UnsafeMutablePointer<T>, activations h: UnsafePointer<T>,
        rows: Int, width: Int, columnSums: UnsafeMutablePointer<T>
    ) {
        guard rows > 0 else { return }
        columnSums.update(repeating: 0, count: width)
        for i in 0..<rows {
            let row = h + i * width
            for k in 0..<width { columnSums[k] += row[k] }
        }
        let keep = T(momentum)
        let take = (1 - T(momentum)) / T(rows)
        for k in 0..<width { means[k] = keep * means[k] + take * columnSums[k] }
    }

    /// c_k = 2ρ w (μ_k − μ̄) into `term`: what each positive row adds to ∂L/∂z.
    public static func gradientTerm<T: BLASScalar>(
        means: UnsafePointer<T>, width: Int, strength rho: Double,
        rowWeight w: Double, into term: UnsafeMutablePointer<T>
    ) {
        var total = 0.0
        for k in 0..<width { total += Double(means[k]) }
        let layerMean = total / Double(width)
        let scale = 2 * rho * w
        for k in 0..<width { term[k] = T(scale * (Double(means[k]) - layerMean)) }
    }

    /// Adds c to every row of the positives' ∂L/∂z and rows · c to its column
    /// sums (the bias gradient), ungated by the ReLU.
    static func addTerm<T: BLASScalar>(
        _ term: UnsafePointer<T>, toRowsOf dz: UnsafeMutablePointer<T>, rows: Int,
        width: Int, columnSums: UnsafeMutablePointer<T>
    ) {
        for i in 0..<rows {
            let row = dz + i * width
            for k in 0..<width { row[k] += term[k] }
        }
        let n = T(rows)
        for k in 0..<width { columnSums[k] += n * term[k] }
    }
}

extension FFTrainer {
    /// Peer normalisation's part of layer l's step, its positives' activations
    /// in `pos.h`: updates the layer's running means and returns the term each
    /// positive row's dL/dz gains (in `peerTerm`); nil where the option is off.
    func peerNormalisationTerm(layer l: Int, positives m: Int) -> UnsafePointer<Float>? {
        guard let rho = config.peerNormalisation else { return nil }
        let width = config.layerSizes[l + 1]
        let (rowWeight, _) = FFLoss.rowWeights(nPos: m, nNeg: negativeRows, reduction: config.lossReduction)
        let scratch = workspaces[l].columns.pointer  // free until the backward pass
        peerMeans[l].withUnsafeMutableBufferPointer { mu in
            PeerNormalisation.updateRunningMeans(
                mu.baseAddress!, activations: pos.h.pointer, rows: m, width: width,
                columnSums: scratch)
            PeerNormalisation.gradientTerm(
                means: mu.baseAddress!, width: width, strength: rho, rowWeight: rowWeight,
                into: peerTerm.pointer)
        }
        return UnsafePointer(peerTerm.pointer)
    }
}
