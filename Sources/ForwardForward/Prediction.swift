import Datasets
import Tensor

/// Classification by goodness (docs/reading.md, "Prediction"): for each label c, overlay c,
/// run all layers, score(c) = Σ_l g_l over the scored layers (all, or from
/// `scoredFrom` on, as Hinton's FF skips the first); predict argmax. Rows go through in
/// chunks; the `.batch` mode's g_global is accumulated over the whole set of
/// each label before it is added, so chunking does not change it.
///
/// It owns no large buffer: it runs in activation slots it is lent (the
/// trainer's negatives', which the next step refills).
final class Predictor {
    let sizes: [Int]
    let chunk: Int
    let slots: ActivationSlots
    let part: Buffer<Float>
    let rowSums: Buffer<Float>

    init(sizes: [Int], chunk: Int, slots: ActivationSlots) {
        precondition(slots.rows >= chunk, "prediction chunk \(chunk) exceeds the slots' \(slots.rows) rows")
        self.sizes = sizes
        self.chunk = chunk
        self.slots = slots
        part = Buffer(chunk)
        rowSums = Buffer(chunk)
    }

    /// Predicted labels of the first `rows` images in both goodness modes, using
    /// the first `layers.count` layers and scoring those from index `scoredFrom` on.
    func predict(
        _ images: ImageSet, rows n: Int, layers: [FFLayer<Float>], goodness: [MultiScaleGoodness<Float>],
        scoredFrom: Int = 0, overlayValue: Float, normalise: RowNormaliser
    ) -> (perSample: [Int], batch: [Int]) {
        let s = scores(
            images, rows: n, layers: layers, goodness: goodness, scoredFrom: scoredFrom, overlayValue: overlayValue,
            normalise: normalise)
        return (argmax(s.perSample, LabelOverlay.classes), argmax(s.batch, LabelOverlay.classes))
    }

    /// Every label's score for each of the first `rows` images (row-major, 10
    /// per image), in both goodness modes.
    func scores(
        _ images: ImageSet, rows n: Int, layers: [FFLayer<Float>], goodness: [MultiScaleGoodness<Float>],
        scoredFrom: Int = 0, overlayValue: Float, normalise: RowNormaliser
    ) -> (perSample: [Double], batch: [Double]) {
        precondition(n <= images.count, "predicting \(n) of \(images.count) images")
        let d0 = sizes[0]
        let classes = LabelOverlay.classes
        let input = slots.first
        var perSample = [Double](repeating: 0, count: n * classes)
        var batchPart = [Double](repeating: 0, count: n * classes)
        for c in 0..<classes {
            var sumSquares = [Double](repeating: 0, count: layers.count)
            var r0 = 0
            while r0 < n {
                let rows = min(chunk, n - r0)
                images.copyRows(r0..<r0 + rows, into: input.pointer)
                for i in 0..<rows {
                    LabelOverlay.apply(input.pointer + i * d0, label: c, value: overlayValue)
                }
                normalise(input.pointer, input.pointer, rows: rows, cols: d0)
                for (l, layer) in layers.enumerated() {
                    // Every layer's sums of squares serve its output's normalisation; only scored layers add to the scores.
                    let gd = goodness[l]
                    let h = slots.h.pointer
                    layer.forward(slots.input(l), rows: rows, into: h, evaluating: gd, part: part.pointer, rowSums: rowSums.pointer)
                    if l + 1 < layers.count {
                        normalise(h, slots.input(l + 1), rows: rows, cols: layer.outputSize, sumsOfSquares: rowSums.pointer)
                    }
                    guard l >= scoredFrom else { continue }
                    let localWeight = Double(gd.globalWeight) / Double(layer.outputSize)
                    for i in 0..<rows {
                        let p = Double(part.pointer[i])
                        let s = Double(rowSums.pointer[i])
                        // .perSample: g_global replaced by the sample's own g_local.
                        perSample[(r0 + i) * classes + c] += p + localWeight * s
                        batchPart[(r0 + i) * classes + c] += p
                        sumSquares[l] += s
                    }
                }
                r0 += rows
            }
            // .batch: eq. 4 over the evaluation batch of label c.
            var globalTerm = 0.0
            for (l, layer) in layers.enumerated() where n > 0 && l >= scoredFrom {
                globalTerm += Double(goodness[l].globalWeight) * sumSquares[l] / Double(n * layer.outputSize)
            }
            for i in 0..<n { batchPart[i * classes + c] += globalTerm }
        }
        return (perSample, batchPart)
    }

    private func argmax(_ scores: [Double], _ k: Int) -> [Int] {
        (0..<scores.count / k).map { i in
            var best = 0
            for c in 1..<k where scores[i * k + c] > scores[i * k + best] { best = c }
            return best
        }
    }

    static func accuracy(_ predicted: [Int], _ labels: [UInt8]) -> Double {
        guard !labels.isEmpty else { return .nan }
        var hits = 0
        for (p, l) in zip(predicted, labels) where p == Int(l) { hits += 1 }
        return Double(hits) / Double(labels.count)
    }
}
