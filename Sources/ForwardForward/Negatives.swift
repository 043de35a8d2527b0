import Datasets
import Foundation
import Tensor

/// Labels for candidate negatives (docs/reading.md): a permutation of the true labels.
public enum NegativeLabels {
    /// Shuffled labels (`predicted` is drawn by `hard`, which needs the network).
    static func draw(
        _ labels: [UInt8], kind: FFConfiguration.NegativeLabels,
        rng: inout Xoshiro256StarStar
    ) -> [Int] {
        let perm = rng.permutation(labels.count)
        var out = perm.map { Int(labels[$0]) }
        if kind == .shuffledExcludingTrue {
            for i in out.indices where out[i] == Int(labels[i]) {
                // One of the nine other classes, uniformly.
                out[i] = (Int(labels[i]) + 1 + Int(rng.bounded(9))) % 10
            }
        }
        return out
    }

    /// A wrong label per row, drawn with probability ∝ exp(β · score) among
    /// the nine wrong labels: one uniform draw per row, in row order. β = 1
    /// multiplies by one, so it draws exactly as before β existed.
    public static func hard(
        scores: [Double], labels: [UInt8], scale beta: Double = 1,
        rng: inout Xoshiro256StarStar
    ) -> [Int] {
        let k = LabelOverlay.classes
        return labels.indices.map { i in
            let truth = Int(labels[i])
            let wrong = (0..<k).filter { $0 != truth }
            let top = wrong.map { scores[i * k + $0] }.max()!
            let weights = wrong.map { Foundation.exp((scores[i * k + $0] - top) * beta) }
            var u = rng.uniformDouble() * weights.reduce(0, +)
            for (c, w) in zip(wrong, weights) {
                u -= w
                if u < 0 { return c }
            }
            return wrong.last!  // rounding left u ≥ 0 after the last weight
        }
    }
}

extension FFTrainer {
    /// The negatives' labels from the network's own predictions (`predicted`),
    /// scored in the negatives' slots, which the step refills after.
    func predictedNegativeLabels() -> [Int] {
        let s = predictor.scores(
            data.train, rows: n, layers: layers, goodness: goodness, scoredFrom: scoredFrom(active: layerCount),
            overlayValue: data.overlayValue, normalise: normalise)
        return NegativeLabels.hard(
            scores: s.perSample, labels: data.train.labels, scale: config.negativeScoreScale ?? 1,
            rng: &negativesRNG)
    }
}
