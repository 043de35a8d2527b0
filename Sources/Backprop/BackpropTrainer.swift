import Datasets
import Foundation
import ForwardForward
import Tensor

/// Minibatch training of an `MLP` with softmax cross-entropy and Adam (the
/// FF trainers' Adam), on the same split and standardised pixels as FF.
public final class BackpropTrainer {
    public struct Settings: Codable, Sendable, Equatable {
        /// Hidden sizes of the FF baseline, then the ten classes.
        public var sizes: [Int] = [784, 500, 500, 10]
        public var epochs: Int = 20
        /// Images per step; 50,000 is full-batch, as FF trains.
        public var batchSize: Int = 100
        public var learningRate: Double = 1e-3
        public var seed: UInt64 = 0
        public init() {}

        public func validate() throws {
            func bad(_ p: String, _ why: String) -> ConfigurationError { ConfigurationError(parameter: p, problem: why) }
            guard sizes.count >= 2, sizes.allSatisfy({ $0 > 0 }) else { throw bad("sizes", "must be positive, got \(sizes)") }
            guard epochs > 0 else { throw bad("epochs", "must be positive, got \(epochs)") }
            guard batchSize > 0 else { throw bad("batchSize", "must be positive, got \(batchSize)") }
            guard learningRate.isFinite, learningRate > 0 else { throw bad("learningRate", "must be positive, got \(learningRate)") }
        }
    }

    public let settings: Settings
    public private(set) var model: MLP<Float>
    let data: DataSplit
    var adamW: [Adam<Float>]
    var adamB: [Adam<Float>]
    var shuffle: Xoshiro256StarStar
    public private(set) var epochsDone = 0

    public init(settings: Settings, data: DataSplit) throws {
        try settings.validate()
        guard settings.sizes.first == data.train.images.cols, settings.sizes.last == LabelOverlay.classes else {
            throw ConfigurationError(parameter: "sizes", problem: "must start with \(data.train.images.cols) inputs and end with 10 classes, got \(settings.sizes)")
        }
        self.settings = settings
        self.data = data
        model = MLP(sizes: settings.sizes, seed: settings.seed)
        adamW = model.weights.map { Adam(count: $0.count) }
        adamB = model.biases.map { Adam(count: $0.count) }
        shuffle = Xoshiro256StarStar(seed: settings.seed, stream: "backprop-shuffle")
    }

    /// One pass over the training images in a fresh seeded order; the mean loss.
    @discardableResult
    public func trainEpoch() -> Double {
        defer { epochsDone += 1 }
        return trainSteps(Int.max)
    }

    /// The first `limit` minibatches of an epoch (a memory probe needs only a few); the mean loss.
    @discardableResult
    public func trainSteps(_ limit: Int) -> Double {
        let n = data.train.count, bs = min(settings.batchSize, n)
        let order = shuffle.permutation(n)
        var total = 0.0, batches = 0
        var start = 0
        while start < n && batches < limit {
            let idx = Array(order[start ..< min(start + bs, n)])
            let x = bs == n ? data.train.images : data.train.images.gathering(rows: idx)
            let y = idx.map { Int(data.train.labels[$0]) }
            let (loss, dW, db) = model.lossAndGradients(x, labels: bs == n ? data.train.labels.map(Int.init) : y)
            for l in 0 ..< model.layerCount {
                model.weights[l].storage.withUnsafeMutableBufferPointer { p in
                    dW[l].storage.withUnsafeBufferPointer { adamW[l].update(p, gradient: $0, learningRate: settings.learningRate) }
                }
                model.biases[l].withUnsafeMutableBufferPointer { p in
                    db[l].withUnsafeBufferPointer { adamB[l].update(p, gradient: $0, learningRate: settings.learningRate) }
                }
            }
            total += loss
            batches += 1
            start += bs
        }
        return total / Double(max(batches, 1))
    }

    /// Fraction of `set` classified correctly, in chunks to bound memory.
    public func accuracy(_ set: ImageSet, chunk: Int = 10_000) -> Double {
        var correct = 0, start = 0
        while start < set.count {
            let idx = Array(start ..< min(start + chunk, set.count))
            let predicted = model.predict(set.images.gathering(rows: idx))
            correct += zip(predicted, idx).filter { $0 == Int(set.labels[$1]) }.count
            start += chunk
        }
        return Double(correct) / Double(max(set.count, 1))
    }

    public var train: ImageSet { data.train }
    public var validation: ImageSet { data.validation }
    public var test: ImageSet { data.test }
}
