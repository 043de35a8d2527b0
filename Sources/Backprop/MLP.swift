import Foundation
import Tensor

/// A ReLU multilayer perceptron with a softmax output, trained by
/// backpropagation: the "Standard MLP" context rows of Tables III–IV, with the
/// FF networks' hidden sizes. The backward pass is written out by hand on the
/// same tensor core as FF (CBLAS products, SIMD row kernels).
public struct MLP<T: BLASScalar>: Sendable, Equatable {
    /// Input size first, classes last: [784, 500, 500, 10].
    public let sizes: [Int]
    /// Layer l maps sizes[l] → sizes[l+1]; W is (out × in), as in FF.
    public var weights: [Matrix<T>]
    public var biases: [[T]]

    public var layerCount: Int { sizes.count - 1 }

    /// The baseline FF's sizes with a 10-way output: the MLP of Tables III–IV.
    public static var baselineSizes: [Int] { [784, 500, 500, 10] }

    /// W, b ~ U(±1/√fan_in), the common framework default (and the FF baseline's).
    public init(sizes: [Int], seed: UInt64) {
        precondition(sizes.count >= 2 && sizes.allSatisfy { $0 > 0 }, "MLP sizes must be positive, got \(sizes)")
        self.sizes = sizes
        var rng = Xoshiro256StarStar(seed: seed, stream: "backprop-init")
        weights = []
        biases = []
        for l in 0..<sizes.count - 1 {
            let bound = T(1 / Double(sizes[l]).squareRoot())
            var w = Matrix<T>(rows: sizes[l + 1], cols: sizes[l])
            w.storage.withUnsafeMutableBufferPointer { rng.fillUniform($0, low: -bound, high: bound) }
            var b = [T](repeating: 0, count: sizes[l + 1])
            b.withUnsafeMutableBufferPointer { rng.fillUniform($0, low: -bound, high: bound) }
            weights.append(w)
            biases.append(b)
        }
    }

    /// Every layer's output for a batch: [h1, …, logits]. Backpropagation has
    /// to keep all of them until the backward pass: the memory FF does without.
    public func forward(_ x: Matrix<T>) -> [Matrix<T>] {
        var outputs: [Matrix<T>] = []
        for l in 0..<layerCount {
            let input = l == 0 ? x : outputs[l - 1]
            var z = Matrix<T>(rows: x.rows, cols: sizes[l + 1])
            Matrix.gemm(input, weights[l], transposeB: true, into: &z)
            let last = l == layerCount - 1
            z.storage.withUnsafeMutableBufferPointer { zp in
                biases[l].withUnsafeBufferPointer { bp in
                    if last {
                        for i in 0..<x.rows { for j in 0..<sizes[l + 1] { zp[i * sizes[l + 1] + j] += bp[j] } }
                    } else {
                        RowKernels.addBiasReLU(zp.baseAddress!, rows: x.rows, cols: sizes[l + 1], bias: bp.baseAddress!)
                    }
                }
            }
            outputs.append(z)
        }
        return outputs
    }

    /// Mean softmax cross-entropy over the batch, and its gradient with respect
    /// to every weight and bias.
    public func lossAndLayerGradients(_ x: Matrix<T>, labels: [Int]) -> (loss: Double, dW: [Matrix<T>], db: [[T]]) {
        let outputs = forward(x)
        var dLogits = outputs.last!
        let loss = SoftmaxCrossEntropy.lossReplacingLogitsWithGradient(&dLogits, labels: labels)
        let (dW, db, _) = backward(x, outputs: outputs, logitGradient: dLogits, inputGradient: false)
        return (loss, dW, db)
    }

    /// The backward pass from ∂L/∂logits: every weight and bias gradient, and
    /// ∂L/∂x when `inputGradient` (a layer below the MLP, as in the CNN, needs it).
    public func backward(_ x: Matrix<T>, outputs: [Matrix<T>], logitGradient: Matrix<T>, inputGradient: Bool)
        -> (dW: [Matrix<T>], db: [[T]], dX: Matrix<T>?)
    {
        let n = x.rows
        var dZ = logitGradient
        var dW = weights.map { Matrix<T>(rows: $0.rows, cols: $0.cols) }
        var db = biases.map { [T](repeating: 0, count: $0.count) }
        for l in stride(from: layerCount - 1, through: 0, by: -1) {
            let input = l == 0 ? x : outputs[l - 1]
            // dW_l = dZ_lᵀ · A_{l−1};  db_l = Σ_i dZ_l[i, ·]
            Matrix.gemm(dZ, transposeA: true, input, into: &dW[l])
            dZ.storage.withUnsafeBufferPointer { dp in
                db[l].withUnsafeMutableBufferPointer {
                    RowKernels.columnSums(dp.baseAddress!, rows: n, cols: dZ.cols, into: $0.baseAddress!)
                }
            }
            guard l > 0 || inputGradient else { break }
            // dA_{l−1} = dZ_l · W_l, then through the ReLU: zero where A_{l−1} = 0
            // (the input x is no ReLU output: its gradient is left unmasked).
            var dA = Matrix<T>(rows: n, cols: sizes[l])
            Matrix.gemm(dZ, weights[l], into: &dA)
            guard l > 0 else { return (dW, db, dA) }
            dA.storage.withUnsafeMutableBufferPointer { ap in
                input.storage.withUnsafeBufferPointer { hp in
                    for k in 0..<ap.count where hp[k] <= 0 { ap[k] = 0 }
                }
            }
            dZ = dA
        }
        return (dW, db, nil)
    }

    /// The most likely class of every row.
    @_specialize(where T == Float)
    public func predict(_ x: Matrix<T>) -> [Int] {
        SoftmaxCrossEntropy.argmaxRows(forward(x).last!)
    }
}

extension MLP: Classifier {
    public var inputSize: Int { sizes.first! }
    public var classes: Int { sizes.last! }

    /// W₁, b₁, W₂, b₂, …
    public var parameters: [[T]] { zip(weights, biases).flatMap { [$0.storage, $1] } }

    @_specialize(where T == Float)
    public func lossAndGradients(_ x: Matrix<T>, labels: [Int]) -> (loss: Double, gradients: [[T]]) {
        let (loss, dW, db) = lossAndLayerGradients(x, labels: labels)
        return (loss, zip(dW, db).flatMap { [$0.storage, $1] })
    }

    @_specialize(where T == Float)
    public mutating func updateParametersInPlace(_ update: (Int, UnsafeMutableBufferPointer<T>) -> Void) {
        for l in 0..<layerCount {
            weights[l].storage.withUnsafeMutableBufferPointer { update(2 * l, $0) }
            biases[l].withUnsafeMutableBufferPointer { update(2 * l + 1, $0) }
        }
    }
}
