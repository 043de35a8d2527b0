import Datasets
import ForwardForward
import Foundation
import Tensor

/// How a backprop model is trained: minibatch Adam on softmax cross-entropy.
public struct BackpropSettings: Codable, Sendable, Equatable {
    public var epochs: Int = 20
    /// Images per step; 50,000 is full-batch, as FF trains.
    public var batchSize: Int = 100
    public var learningRate: Double = 1e-3
    public var seed: UInt64 = 0
    public init() {}

    public func validate() throws {
        func bad(_ p: String, _ why: String) -> ConfigurationError { ConfigurationError(parameter: p, problem: why) }
        guard epochs > 0 else { throw bad("epochs", "must be positive, got \(epochs)") }
        guard batchSize > 0 else { throw bad("batchSize", "must be positive, got \(batchSize)") }
        guard learningRate.isFinite, learningRate > 0 else { throw bad("learningRate", "must be positive, got \(learningRate)") }
    }
}

/// Minibatch training of a `Classifier` (the MLP or the CNN) with softmax
/// cross-entropy and Adam (the FF trainers' Adam), on the same split and
/// standardised pixels as FF.
public final class BackpropTrainer<Model: Classifier> where Model.Scalar == Float {
    public let settings: BackpropSettings
    public private(set) var model: Model
    let data: DataSplit
    /// One Adam state per trainable array, in the model's order.
    var adam: [Adam<Float>]
    var shuffle: Xoshiro256StarStar
    /// The training images as floats, made once for full-batch training (the
    /// split keeps them as bytes).
    private lazy var fullBatch: Matrix<Float> = data.train.images
    public private(set) var epochsDone = 0

    public init(model: Model, settings: BackpropSettings, data: DataSplit) throws {
        try settings.validate()
        guard model.inputSize == data.train.cols, model.classes == LabelOverlay.classes else {
            throw ConfigurationError(
                parameter: "model",
                problem: "must take \(data.train.cols) inputs and give "
                    + "\(LabelOverlay.classes) classes, takes \(model.inputSize) and gives \(model.classes)")
        }
        self.settings = settings
        self.data = data
        self.model = model
        adam = model.parameters.map { Adam(count: $0.count) }
        shuffle = Xoshiro256StarStar(seed: settings.seed, stream: "backprop-shuffle")
    }

    /// Minibatches in one epoch.
    public var stepsPerEpoch: Int { (data.train.count + settings.batchSize - 1) / settings.batchSize }

    /// One pass over the training images in a fresh seeded order; the mean loss.
    @discardableResult
    public func trainEpoch() -> Double {
        defer { epochsDone += 1 }
        return trainSteps(Int.max)
    }

    /// The first `limit` minibatches of an epoch (a memory probe or a timing needs only a few); the mean loss.
    @discardableResult
    public func trainSteps(_ limit: Int) -> Double {
        let n = data.train.count
        let bs = min(settings.batchSize, n)
        let order = shuffle.permutation(n)
        var total = 0.0
        var batches = 0
        var start = 0
        while start < n && batches < limit {
            let idx = Array(order[start..<min(start + bs, n)])
            let x = bs == n ? fullBatch : data.train.gathering(rows: idx)
            let y = bs == n ? data.train.labels.map(Int.init) : idx.map { Int(data.train.labels[$0]) }
            let (loss, gradients) = model.lossAndGradients(x, labels: y)
            let lr = settings.learningRate
            model.updateParametersInPlace { i, p in
                gradients[i].withUnsafeBufferPointer { adam[i].update(p, gradient: $0, learningRate: lr) }
            }
            total += loss
            batches += 1
            start += bs
        }
        return total / Double(max(batches, 1))
    }

    /// Fraction of `set` classified correctly, in chunks to bound memory.
    public func accuracy(_ set: ImageSet, chunk: Int = 10_000) -> Double {
        var correct = 0
        var start = 0
        while start < set.count {
            let idx = Array(start..<min(start + chunk, set.count))
            let predicted = model.predict(set.gathering(rows: idx))
            correct += zip(predicted, idx).filter { $0 == Int(set.labels[$1]) }.count
            start += chunk
        }
        return Double(correct) / Double(max(set.count, 1))
    }

    public var train: ImageSet { data.train }
    public var validation: ImageSet { data.validation }
    public var test: ImageSet { data.test }
}
