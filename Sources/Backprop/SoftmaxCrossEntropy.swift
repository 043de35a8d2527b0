import Foundation
import Tensor

/// Mean softmax cross-entropy over a batch, L = −(1/N) Σ_i log softmax(z_i)_{y_i},
/// and its gradient ∂L/∂z = (softmax(z) − onehot(y)) / N.
public enum SoftmaxCrossEntropy {
    /// The loss; `logits` is overwritten with ∂L/∂logits (the backward pass
    /// needs nothing else of them).
    public static func lossReplacingLogitsWithGradient<T: BLASScalar>(_ logits: inout Matrix<T>, labels: [Int]) -> Double {
        precondition(labels.count == logits.rows, "one label per row")
        let n = logits.rows
        let classes = logits.cols
        var loss = 0.0
        logits.storage.withUnsafeMutableBufferPointer { d in
            for i in 0..<n {
                let row = d.baseAddress! + i * classes
                var zmax = row[0]
                for j in 1..<classes { zmax = max(zmax, row[j]) }
                let zy = Double(row[labels[i]] - zmax)
                var sum = 0.0
                for j in 0..<classes {
                    let e = exp(Double(row[j] - zmax))
                    row[j] = T(e)
                    sum += e
                }
                loss += log(sum) - zy
                let scale = 1 / (sum * Double(n))
                for j in 0..<classes { row[j] = T(Double(row[j]) * scale) }
                row[labels[i]] -= T(1 / Double(n))
            }
        }
        return loss / Double(n)
    }

    /// The index of the largest value of every row.
    public static func argmaxRows<T: BLASScalar>(_ logits: Matrix<T>) -> [Int] {
        (0..<logits.rows).map { i in
            var best = 0
            for j in 1..<logits.cols where logits[i, j] > logits[i, best] { best = j }
            return best
        }
    }
}
