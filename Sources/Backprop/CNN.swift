import Tensor

/// The convolutional network of Tables III–IV, trained by backpropagation:
/// convolution blocks (k×k convolution, "same" padding, ReLU, 2×2 max-pooling)
/// then a ReLU MLP head on the flattened features. `Architecture.tutorial` is
/// the classic two-block network (docs/cnn.md). Channels-last throughout.
public struct CNN<T: BLASScalar>: Sendable, Equatable {
    public struct Architecture: Codable, Sendable, Equatable {
        /// Input images: height, width, channels.
        public var height: Int, width: Int, channels: Int
        public var kernel: Int
        /// Output channels of each convolution block.
        public var convolutionChannels: [Int]
        /// Hidden sizes of the dense head.
        public var dense: [Int]
        public var classes: Int

        public init(height: Int, width: Int, channels: Int, kernel: Int, convolutionChannels: [Int], dense: [Int], classes: Int) {
            (self.height, self.width, self.channels, self.kernel) = (height, width, channels, kernel)
            (self.convolutionChannels, self.dense, self.classes) = (convolutionChannels, dense, classes)
        }

        /// 5×5 convolutions of 32 and 64 channels, each pooled, a dense layer of
        /// 1024 and 10 outputs, on 28×28 grey images (TensorFlow's "Deep MNIST
        /// for experts" network, after LeNet-5; docs/cnn.md).
        public static var tutorial: Architecture {
            Architecture(height: 28, width: 28, channels: 1, kernel: 5, convolutionChannels: [32, 64], dense: [1024], classes: 10)
        }
    }

    public let architecture: Architecture
    public var convolutions: [Convolution<T>]
    public let pooling: [MaxPooling]
    /// Dense layers on the flattened last pooled features: [features, dense…, classes].
    public var head: MLP<T>

    /// Images per forward pass when predicting (bounds the patch matrix to tens of MB).
    public static var predictionChunk: Int { 500 }

    public init(architecture a: Architecture, seed: UInt64) {
        precondition(!a.convolutionChannels.isEmpty, "a CNN needs at least one convolution block")
        architecture = a
        var rng = Xoshiro256StarStar(seed: seed, stream: "cnn-init")
        var (h, w, c) = (a.height, a.width, a.channels)
        var convolutions: [Convolution<T>] = []
        var pooling: [MaxPooling] = []
        for out in a.convolutionChannels {
            convolutions.append(Convolution(height: h, width: w, inChannels: c, outChannels: out, kernel: a.kernel, rng: &rng))
            let pool = MaxPooling(height: h, width: w, channels: out)
            pooling.append(pool)
            (h, w, c) = (pool.outputHeight, pool.outputWidth, out)
        }
        self.convolutions = convolutions
        self.pooling = pooling
        head = MLP(sizes: [h * w * c] + a.dense + [a.classes], seed: seed)
    }

    /// What the backward pass needs of a forward pass, per block: the patches,
    /// the ReLU outputs (their mask), the pooling winners; then the head's outputs.
    public struct Activations {
        public var patches: [Matrix<T>] = []
        public var rectified: [Matrix<T>] = []
        public var winners: [[Int32]] = []
        /// The flattened input of the head (the last pooled features).
        public var features: Matrix<T>
        public var headOutputs: [Matrix<T>] = []
    }

    public func forward(_ x: Matrix<T>) -> Activations {
        var acts = Activations(features: x)
        for (conv, pool) in zip(convolutions, pooling) {
            let cols = conv.im2col(acts.features)
            let a = conv.forward(cols: cols, images: x.rows, relu: true)
            let (pooled, winners) = pool.forward(a)
            acts.patches.append(cols)
            acts.rectified.append(a)
            acts.winners.append(winners)
            acts.features = pooled
        }
        acts.headOutputs = head.forward(acts.features)
        return acts
    }
}

extension CNN: Classifier {
    public var inputSize: Int { architecture.height * architecture.width * architecture.channels }
    public var classes: Int { architecture.classes }

    /// Each block's W and b, then the head's (W₁, b₁, …).
    public var parameters: [[T]] { convolutions.flatMap { [$0.weights.storage, $0.bias] } + head.parameters }

    @_specialize(where T == Float)
    public func lossAndGradients(_ x: Matrix<T>, labels: [Int]) -> (loss: Double, gradients: [[T]]) {
        precondition(x.cols == inputSize, "CNN input has \(x.cols) values per image, expected \(inputSize)")
        let acts = forward(x)
        var dLogits = acts.headOutputs.last!
        let loss = SoftmaxCrossEntropy.lossReplacingLogitsWithGradient(&dLogits, labels: labels)
        let (dWh, dbh, dFeatures) = head.backward(acts.features, outputs: acts.headOutputs, logitGradient: dLogits, inputGradient: true)
        var gradients: [[T]] = zip(dWh, dbh).flatMap { [$0.storage, $1] }
        var dPooled = dFeatures!
        for b in stride(from: convolutions.count - 1, through: 0, by: -1) {
            // Through the pooling, then the ReLU: zero where the block's output was clipped.
            var dZ = pooling[b].backward(dPooled, winners: acts.winners[b])
            dZ.storage.withUnsafeMutableBufferPointer { dp in
                acts.rectified[b].storage.withUnsafeBufferPointer { ap in
                    for k in 0..<dp.count where ap[k] <= 0 { dp[k] = 0 }
                }
            }
            let (dW, db, dX) = convolutions[b].backward(cols: acts.patches[b], outputGradient: dZ, inputGradient: b > 0)
            gradients.insert(contentsOf: [dW.storage, db], at: 0)
            if let dX { dPooled = dX }
        }
        return (loss, gradients)
    }

    @_specialize(where T == Float)
    public mutating func updateParametersInPlace(_ update: (Int, UnsafeMutableBufferPointer<T>) -> Void) {
        for b in convolutions.indices {
            convolutions[b].weights.storage.withUnsafeMutableBufferPointer { update(2 * b, $0) }
            convolutions[b].bias.withUnsafeMutableBufferPointer { update(2 * b + 1, $0) }
        }
        let offset = 2 * convolutions.count
        head.updateParametersInPlace { update(offset + $0, $1) }
    }

    /// Predicts in chunks, so that evaluating 10,000 images needs no more memory than training.
    @_specialize(where T == Float)
    public func predict(_ x: Matrix<T>) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(x.rows)
        var start = 0
        while start < x.rows {
            let rows = Array(start..<min(start + Self.predictionChunk, x.rows))
            out += SoftmaxCrossEntropy.argmaxRows(forward(x.gathering(rows: rows)).headOutputs.last!)
            start += Self.predictionChunk
        }
        return out
    }
}
