import Datasets
import Foundation
import Tensor

/// Trains one FF network on one data split, epoch by epoch.
///
/// The trainer owns every buffer it needs, allocated once: the activations of
/// the positives and of the negatives (`ActivationSlots`: three buffers per
/// side, whatever the depth), which evaluation reuses between epochs, and
/// small per-layer workspaces. Each epoch refills layer 1's inputs (the
/// overlaid images) in place.
public final class FFTrainer {
    public let config: FFConfiguration
    public let data: DataSplit
    public internal(set) var layers: [FFLayer<Float>]
    public internal(set) var optimizers: [Adam<Float>]
    /// Peer normalisation's running mean activity of every unit, by layer; empty where it is off.
    public internal(set) var peerMeans: [[Float]]
    /// Steps done: epochs (interleaved) or layer-epochs (greedy).
    public internal(set) var stepsDone = 0
    public internal(set) var trace: [EpochTrace] = []
    var negativesRNG: Xoshiro256StarStar
    var miningRNG: Xoshiro256StarStar

    let goodness: [MultiScaleGoodness<Float>]
    let thresholds: ThresholdSchedule
    let schedule: LearningRateSchedule
    let normalise: RowNormaliser
    /// Training rows.
    let n: Int
    /// Rows of one step's batch: n, or the minibatch size (`config.batchSize`).
    let batchRows: Int
    /// The positives' and the negatives' activations, layer after layer.
    let pos, neg: ActivationSlots
    var negativeRows = 0
    let workspaces: [StepWorkspace<Float>]
    let candidateGoodness, candidateScratch: Buffer<Float>
    /// The read-out the hard negatives come from (`negativeLabels` .readout); nil otherwise.
    public let readout: SoftmaxReadout?
    /// What peer normalisation adds to a positive row's dL/dz, for the layer stepping.
    let peerTerm: Buffer<Float>
    /// The negatives' labels of a run that draws them once (`negativeRefresh` .once), by training row.
    public internal(set) var fixedNegativeLabels: [Int]?
    /// Greedy: the layer whose inputs are in the buffers (0 = none, or clobbered by an evaluation).
    var greedyPreparedLayer = 0
    /// Whether `pos.first` holds layer 1's positives (deeper layers' inputs and mining reuse it).
    var positivesReady = false
    let predictor: Predictor
    /// Training images scored during training: the first 10,000 at most.
    let trainProbeRows: Int
    /// The training labels, as the overlay takes them (every epoch refills the positives).
    let trueLabels: [Int]

    public var layerCount: Int { config.weightLayerCount }
    public var greedy: Bool { config.order == .greedy }
    public var totalSteps: Int { greedy ? layerCount * config.epochs : config.epochs }
    public var finished: Bool { stepsDone >= totalSteps }

    public init(config: FFConfiguration, data: DataSplit) throws {
        try config.validate()
        guard data.train.cols == config.layerSizes[0] else {
            throw ConfigurationError(
                parameter: "layerSizes",
                problem: "input size \(config.layerSizes[0]) but the images have \(data.train.cols) pixels")
        }
        guard data.train.count > 0 else { throw ConfigurationError(parameter: "trainSize", problem: "no training images") }
        self.config = config
        self.data = data

        let sizes = config.layerSizes
        let count = sizes.count - 1
        var initRNG = Xoshiro256StarStar(seed: config.seed, stream: "init")
        layers = (0..<count).map {
            FFLayer(inputSize: sizes[$0], outputSize: sizes[$0 + 1], initialisation: config.initialisation, rng: &initRNG)
        }
        optimizers = layers.map {
            Adam(count: $0.parameters.count, beta1: config.adamBeta1, beta2: config.adamBeta2, epsilon: config.adamEpsilon)
        }
        peerMeans =
            config.peerNormalisation == nil
            ? []
            : sizes.dropFirst().map { [Float](repeating: PeerNormalisation.initialMean, count: $0) }
        peerTerm = Buffer(config.peerNormalisation == nil ? 1 : sizes.dropFirst().max()!)
        negativesRNG = Xoshiro256StarStar(seed: config.seed, stream: "negatives")
        miningRNG = Xoshiro256StarStar(seed: config.seed, stream: "mining")
        let depth = config.depthMeasure ?? .relative
        goodness = (0..<count).map { l in
            config.multiScaleGoodness
                ? .multiScale(
                    width: sizes[l + 1], depth: depth.depth(layer: l + 1, of: count), ownSample: config.globalTerm == .ownSample)
                : .baseline(width: sizes[l + 1])
        }
        thresholds = ThresholdSchedule(
            theta0: config.theta0, adaptive: config.adaptiveThreshold, layerCount: count, depthMeasure: depth)
        schedule = LearningRateSchedule(
            eta0: config.learningRate, epochs: config.epochs, enabled: config.learningRateSchedule,
            decay: config.learningRateDecay)
        normalise = RowNormaliser(config)

        let n = data.train.count
        self.n = n
        let batchRows = min(config.batchSize ?? n, n)
        self.batchRows = batchRows
        let chunk = min(10_000, max(n, data.validation.count, data.test.count))
        pos = ActivationSlots(rows: batchRows, sizes: sizes)
        // The predictor evaluates in the negatives' slots, chunk rows at a time.
        neg = ActivationSlots(rows: max(batchRows, chunk), sizes: sizes)
        workspaces = (0..<count).map { StepWorkspace(rows: batchRows, width: sizes[$0 + 1]) }
        candidateGoodness = Buffer(batchRows)
        candidateScratch = Buffer(batchRows)
        predictor = Predictor(sizes: sizes, chunk: chunk, slots: neg)
        readout =
            config.negativeLabels == .readout
            ? SoftmaxReadout(widths: Array(sizes[min(config.scoredFromLayer ?? 1, count)...]), rows: batchRows) : nil
        trainProbeRows = min(10_000, n)
        trueLabels = data.train.labels.map(Int.init)

        if config.negativeRefresh == .once {
            fixedNegativeLabels = NegativeLabels.draw(data.train.labels, kind: config.negativeLabels, rng: &negativesRNG)
        }
    }

    /// x̂⁺ of layer 1, the true labels overlaid and normalised, into `pos.first`
    /// (again after a step or an evaluation has reused it).
    func preparePositives() {
        guard !positivesReady else { return }
        fillOverlaid(labels: trueLabels, into: pos.first.pointer)
        positivesReady = true
    }

    /// Training images with `labels` overlaid, normalised, into `dst`: every
    /// row in order, or the minibatch's `rows` (labels indexed by training row).
    func fillOverlaid(labels: [Int], rows: ArraySlice<Int>? = nil, into dst: UnsafeMutablePointer<Float>) {
        let d0 = config.layerSizes[0]
        guard let rows else {
            data.train.copyRows(0..<n, into: dst)
            for i in 0..<n { LabelOverlay.apply(dst + i * d0, label: labels[i], value: data.overlayValue) }
            normalise(dst, dst, rows: n, cols: d0)
            return
        }
        for (k, i) in rows.enumerated() {
            data.train.copyRows(i..<i + 1, into: dst + k * d0)
            LabelOverlay.apply(dst + k * d0, label: labels[i], value: data.overlayValue)
        }
        normalise(dst, dst, rows: rows.count, cols: d0)
    }

    /// The minibatches of `step`: a permutation of the training rows from the
    /// step's own stream, cut into `batchSize` rows (the last batch smaller);
    /// nil when training is full-batch. Drawn from (seed, step) alone, so a
    /// resumed run needs no stored state to continue bit-identically.
    public func minibatches(step: Int) -> [ArraySlice<Int>]? {
        guard batchRows < n else { return nil }
        var rng = Xoshiro256StarStar(seed: config.seed, stream: "batches \(step)")
        let order = rng.permutation(n)
        return stride(from: 0, to: n, by: batchRows).map { order[$0..<min($0 + batchRows, n)] }
    }

    /// One step: an epoch of every layer (interleaved) or of one layer (greedy).
    @discardableResult
    public func step() -> EpochTrace {
        BLASThreads.with(config.threads) { stepAtThreadCount() }
    }

    private func stepAtThreadCount() -> EpochTrace {
        precondition(!finished, "training already finished (\(stepsDone) of \(totalSteps) steps)")
        let start = DispatchTime.now().uptimeNanoseconds
        var record = greedy ? greedyStep(stepsDone + 1) : interleavedStep(stepsDone + 1)
        stepsDone += 1
        if stepsDone % config.evalEvery == 0 || finished {
            let active = greedy ? (stepsDone - 1) / config.epochs + 1 : layerCount
            (record.accuracyPerSample, record.accuracyBatch) = evaluate(layerCount: active, fullTrain: false)
        }
        record.wallSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        trace.append(record)
        return record
    }

    /// Trains to the end, calling `onStep` after every step; `shouldStop` is
    /// asked before each step (a checkpointing caller stops cleanly there).
    /// Steps until finished (or `shouldStop`), handing each step's record to
    /// `onStep` first; a step whose loss, goodness or gradient is NaN or
    /// infinite ends training with `DivergenceError` (after `onStep` has it, so
    /// the trace keeps the steps up to there).
    public func train(
        onStep: (EpochTrace) throws -> Void = { _ in },
        shouldStop: () -> Bool = { false }
    ) throws {
        while !finished && !shouldStop() {
            let record = step()
            try onStep(record)
            if let d = DivergenceError(record) { throw d }
        }
    }

    /// Advances a greedy run by one layer-epoch without computing (benchmarks
    /// time each layer's epochs without training the layers below first).
    public func skipGreedyStep() {
        precondition(greedy)
        stepsDone += 1
    }

    /// Accuracy of the first `layerCount` layers on train (the probe subset, or
    /// every training image with `fullTrain`), validation and test, in both modes.
    public func evaluate(layerCount: Int? = nil, fullTrain: Bool = true) -> (perSample: Accuracies, batch: Accuracies) {
        BLASThreads.with(config.threads) { evaluateAtThreadCount(layerCount: layerCount, fullTrain: fullTrain) }
    }

    private func evaluateAtThreadCount(layerCount: Int?, fullTrain: Bool) -> (perSample: Accuracies, batch: Accuracies) {
        let active = Array(layers.prefix(layerCount ?? self.layerCount))
        var ps = Accuracies()
        var bt = Accuracies()
        let sets: [(ImageSet, Int, WritableKeyPath<Accuracies, Double>)] = [
            (data.train, fullTrain ? data.train.count : trainProbeRows, \.train),
            (data.validation, data.validation.count, \.validation), (data.test, data.test.count, \.test),
        ]
        for (set, rows, key) in sets where rows > 0 {
            let (p, b) = predictor.predict(
                set, rows: rows, layers: active, goodness: goodness,
                scoredFrom: scoredFrom(active: active.count),
                overlayValue: data.overlayValue, normalise: normalise)
            ps[keyPath: key] = Predictor.accuracy(p, Array(set.labels.prefix(rows)))
            bt[keyPath: key] = Predictor.accuracy(b, Array(set.labels.prefix(rows)))
        }
        // The predictor ran in the negatives' slots: a greedy layer's prepared inputs are gone.
        greedyPreparedLayer = 0
        return (ps, bt)
    }
}

extension FFTrainer {
    /// The 0-based first layer prediction scores among `active` layers (`scoredFromLayer`, at most the last).
    func scoredFrom(active: Int) -> Int { min(config.scoredFromLayer ?? 1, active) - 1 }
}

/// Training produced a NaN or an infinity: further steps would only propagate it.
public struct DivergenceError: Error, CustomStringConvertible {
    public let step: Int
    /// 1-based.
    public let layer: Int
    public let quantity: String
    public let value: Double

    /// The first non-finite loss or gradient norm of the layers `record` trained, if any.
    init?(_ record: EpochTrace) {
        let trained = record.trainingLayer == 0 ? Array(record.layers.indices) : [record.trainingLayer - 1]
        for l in trained where l < record.layers.count {
            let s = record.layers[l]
            // A non-finite goodness or weight shows in both.
            for (name, v) in [("the loss", s.loss), ("the gradient norm", s.gradientNorm)] where !v.isFinite {
                (step, layer, quantity, value) = (record.epoch, l + 1, name, v)
                return
            }
        }
        return nil
    }

    public var description: String {
        "training diverged at step \(step), layer \(layer): \(quantity) is \(value) (lower the learning rate or clip the gradients); the steps up to there are kept"
    }
}
