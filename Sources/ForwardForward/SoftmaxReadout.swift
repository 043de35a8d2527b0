import Datasets
import Foundation
import Tensor

/// Hinton's script's source of hard negatives (docs/strong-ff.md): a linear
/// softmax over the normalised activities x̂_l of the scored layers, for the
/// image with a neutral label,
///
///   z = Σ_l x̂_l V_l,   p = softmax(z)            (no bias: his stays at 0)
///   L = −(1/B) Σ_i log p_{i,y_i},   ∂L/∂V_l = x̂_lᵀ (p − onehot(y)) / B,
///
/// trained beside the network on every minibatch with his smoothed SGD (rate
/// 0.1 times the network's decay factor, weight cost 0.003, from V = 0). The
/// minibatch's negatives take one of the nine wrong labels ∝ exp(z), from the
/// logits before the read-out's step: his `choosefrom(softmax(z − 1000 y))`.
public final class SoftmaxReadout {
    public static let learningRate = 0.1
    public static let weightCost = 0.003
    /// Widths of the scored layers: the blocks of V and of `features`.
    public let widths: [Int]
    /// V, [Σ widths, 10]: the blocks V_l one under the other (its count stays).
    public var weights: [Float]
    /// The smoothed gradient lives in its `m`, as for the network (SmoothedSGD.swift).
    var optimiser: Adam<Float>
    /// A batch's x̂_l, block after block, each [rows, width_l].
    let features: Buffer<Float>
    /// z, then (p − onehot(y)) / B.
    let logits: Buffer<Float>
    let gradient: Buffer<Float>

    /// Room for batches of up to `rows` rows.
    public init(widths: [Int], rows: Int) {
        let total = widths.reduce(0, +)
        self.widths = widths
        weights = [Float](repeating: 0, count: total * LabelOverlay.classes)
        optimiser = Adam(count: weights.count)
        features = Buffer(rows * total)
        logits = Buffer(rows * LabelOverlay.classes)
        gradient = Buffer(weights.count)
    }

    public var smoothedGradient: [Float] { optimiser.m }

    /// L and ∂L/∂V for `features` (the blocks one after the other, each [rows, width_l]) and `labels`.
    public func lossAndGradient(features x: [Float], labels: [Int]) -> (loss: Double, gradient: [Float]) {
        let total = widths.reduce(0, +)
        precondition(
            x.count == labels.count * total && x.count <= features.capacity && weights.count == total * LabelOverlay.classes,
            "read-out: features or weights do not match \(labels.count) rows of widths \(widths)")
        features.pointer.update(from: x, count: x.count)
        computeLogits(rows: labels.count)
        let loss = lossGradientOverwritingLogits(labels: labels, rows: labels.count)
        return (loss, Array(UnsafeBufferPointer(start: gradient.pointer, count: weights.count)))
    }

    /// Where block `b` starts in `features` when the batch has `m` rows.
    func featureBlock(_ b: Int, rows m: Int) -> UnsafeMutablePointer<Float> {
        features.pointer + m * widths[..<b].reduce(0, +)
    }

    /// z = Σ_l x̂_l V_l into `logits`, from the blocks of `features`.
    func computeLogits(rows m: Int) {
        let k = LabelOverlay.classes
        weights.withUnsafeBufferPointer { v in
            var offset = 0
            for (b, w) in widths.enumerated() {
                Float.gemm(
                    transA: false, transB: false, m: m, n: k, k: w, alpha: 1, a: featureBlock(b, rows: m), lda: w,
                    b: v.baseAddress! + offset * k, ldb: k, beta: b == 0 ? 0 : 1, c: logits.pointer, ldc: k)
                offset += w
            }
        }
    }

    /// ∂L/∂V into `gradient`, from the logits (which become (p − onehot(y)) / B);
    /// returns L.
    @discardableResult
    func lossGradientOverwritingLogits(labels: [Int], rows m: Int) -> Double {
        let k = LabelOverlay.classes
        let z = logits.pointer
        var loss = 0.0
        for i in 0..<m {
            let row = z + i * k
            let top = (0..<k).map { row[$0] }.max()!
            var sum: Float = 0
            for c in 0..<k {
                row[c] = exp(row[c] - top)
                sum += row[c]
            }
            loss -= Double(log(row[labels[i]] / sum))
            for c in 0..<k { row[c] = (row[c] / sum - (c == labels[i] ? 1 : 0)) / Float(m) }
        }
        var offset = 0
        for (b, w) in widths.enumerated() {
            Float.gemm(
                transA: true, transB: false, m: w, n: k, k: m, alpha: 1, a: featureBlock(b, rows: m), lda: w,
                b: z, ldb: k, beta: 0, c: gradient.pointer + offset * k, ldc: k)
            offset += w
        }
        return loss / Double(m)
    }

    /// One smoothed-SGD step on V, weight cost on all of it.
    func step(learningRate rate: Double) {
        let g = UnsafeBufferPointer(start: gradient.pointer, count: weights.count)
        weights.withUnsafeMutableBufferPointer {
            optimiser.smoothedGradientUpdate(
                $0, gradient: g, learningRate: rate, weightDecay: Self.weightCost,
                decayed: $0.count)
        }
    }
}

extension FFTrainer {
    /// Negative labels for the minibatch `rows` from the read-out, written into
    /// `labels` (indexed by training row); then the read-out's step on the same
    /// rows. The neutral pass runs in the positives' slots, which the batch
    /// refills after.
    func readoutNegativeLabels(rows: ArraySlice<Int>, learningRate lr: Double, into labels: inout [Int]) {
        guard let readout else { return }
        let sizes = config.layerSizes
        let m = rows.count
        let d0 = sizes[0]
        let x = pos.first.pointer
        for (k, i) in rows.enumerated() {
            data.train.copyRows(i..<i + 1, into: x + k * d0)
            LabelOverlay.applyNeutral(x + k * d0, value: data.overlayValue)
        }
        normalise(x, x, rows: m, cols: d0)
        positivesReady = false
        let from = scoredFrom(active: layerCount)
        var input = x
        for l in 0..<layerCount {
            layers[l].forward(input, rows: m, into: pos.h.pointer)
            let out = l >= from ? readout.featureBlock(l - from, rows: m) : pos.input(l + 1)
            normalise(pos.h.pointer, out, rows: m, cols: sizes[l + 1])
            input = out
        }
        readout.computeLogits(rows: m)
        let z = readout.logits.pointer
        let drawn = NegativeLabels.hard(
            scores: (0..<m * LabelOverlay.classes).map { Double(z[$0]) },
            labels: rows.map { data.train.labels[$0] }, rng: &negativesRNG)
        for (k, i) in rows.enumerated() { labels[i] = drawn[k] }
        readout.lossGradientOverwritingLogits(labels: rows.map { trueLabels[$0] }, rows: m)
        readout.step(learningRate: SoftmaxReadout.learningRate * lr / config.learningRate)
    }
}
