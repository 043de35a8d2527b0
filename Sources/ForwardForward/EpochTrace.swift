/// Accuracy on the three splits; NaN where not measured.
public struct Accuracies: Sendable, Equatable {
    public var train = Double.nan
    public var validation = Double.nan
    public var test = Double.nan
    public init(train: Double = .nan, validation: Double = .nan, test: Double = .nan) {
        self.train = train
        self.validation = validation
        self.test = test
    }
}

/// What one training epoch did, handed to whoever stores or shows it.
///
/// Interleaved training has one record per epoch. Greedy training has one per
/// layer-epoch: `epoch` counts 1 … L·E across layers, `trainingLayer` says which
/// layer stepped and `layerEpoch` its own count; the other layers' statistics are NaN.
public struct EpochTrace: Sendable, Equatable {
    public var epoch: Int
    public var layerEpoch: Int
    /// 1-based; 0 when every layer stepped (interleaved).
    public var trainingLayer: Int
    public var learningRate: Double
    /// p = e / E.
    public var progress: Double
    public var stage: NegativeMining.Stage
    public var bandRadius: Double
    public var candidates: Int
    public var keptFromBand: Int
    public var keptFromHard: Int
    public var keptFromTopUp: Int
    public var negativesUsed: Int
    public var layers: [LayerStatistics]
    /// Measured every `evalEvery` epochs and at the end. `train` is on a fixed
    /// subset of at most 10,000 training images during training.
    public var accuracyPerSample = Accuracies()
    public var accuracyBatch = Accuracies()
    public var wallSeconds: Double = .nan

    public init(
        epoch: Int, layerEpoch: Int, trainingLayer: Int, learningRate: Double, progress: Double,
        stage: NegativeMining.Stage, bandRadius: Double, candidates: Int, keptFromBand: Int,
        keptFromHard: Int, keptFromTopUp: Int, negativesUsed: Int, layers: [LayerStatistics]
    ) {
        self.epoch = epoch
        self.layerEpoch = layerEpoch
        self.trainingLayer = trainingLayer
        self.learningRate = learningRate
        self.progress = progress
        self.stage = stage
        self.bandRadius = bandRadius
        self.candidates = candidates
        self.keptFromBand = keptFromBand
        self.keptFromHard = keptFromHard
        self.keptFromTopUp = keptFromTopUp
        self.negativesUsed = negativesUsed
        self.layers = layers
    }

    /// Mean loss over the layers that stepped.
    public var meanLoss: Double {
        let l = layers.map(\.loss).filter { !$0.isNaN }
        return l.isEmpty ? .nan : l.reduce(0, +) / Double(l.count)
    }
}
