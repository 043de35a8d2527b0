import Tensor

/// Everything a run needs to continue bit-identically: weights, Adam moments
/// and step counts, the generators' states, the step count and, where they
/// are on, peer normalisation's running means and the hard negatives' read-out.
public struct TrainingCheckpoint: Sendable, Equatable {
    public var stepsDone: Int
    public var parameters: [[Float]]
    public var adamFirstMoments: [[Float]]
    public var adamSecondMoments: [[Float]]
    public var adamSteps: [Int]
    public var negativesRNG: [UInt64]
    public var miningRNG: [UInt64]
    /// Peer normalisation's running means by layer; empty where it is off.
    public var peerMeans: [[Float]]
    /// The read-out's V ([features, 10], row-major) and its smoothed gradient; empty where it is off.
    public var readoutWeights: [Float]
    public var readoutSmoothedGradient: [Float]

    public init(
        stepsDone: Int, parameters: [[Float]], adamFirstMoments: [[Float]], adamSecondMoments: [[Float]],
        adamSteps: [Int], negativesRNG: [UInt64], miningRNG: [UInt64], peerMeans: [[Float]] = [],
        readoutWeights: [Float] = [], readoutSmoothedGradient: [Float] = []
    ) {
        self.stepsDone = stepsDone
        self.parameters = parameters
        self.adamFirstMoments = adamFirstMoments
        self.adamSecondMoments = adamSecondMoments
        self.adamSteps = adamSteps
        self.negativesRNG = negativesRNG
        self.miningRNG = miningRNG
        self.peerMeans = peerMeans
        self.readoutWeights = readoutWeights
        self.readoutSmoothedGradient = readoutSmoothedGradient
    }
}

public struct CheckpointError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

extension FFTrainer {
    public func checkpoint() -> TrainingCheckpoint {
        TrainingCheckpoint(
            stepsDone: stepsDone, parameters: layers.map(\.parameters),
            adamFirstMoments: optimizers.map(\.m), adamSecondMoments: optimizers.map(\.v),
            adamSteps: optimizers.map(\.step), negativesRNG: negativesRNG.stateWords,
            miningRNG: miningRNG.stateWords, peerMeans: peerMeans,
            readoutWeights: readout?.weights ?? [], readoutSmoothedGradient: readout?.optimiser.m ?? [])
    }

    /// Continues from `c`; `trace` is the run's trace up to the checkpoint.
    public func restore(_ c: TrainingCheckpoint, trace: [EpochTrace]) throws {
        guard c.parameters.count == layers.count, c.adamFirstMoments.count == layers.count,
            c.adamSecondMoments.count == layers.count, c.adamSteps.count == layers.count
        else {
            throw CheckpointError(message: "checkpoint has \(c.parameters.count) layers, the configuration \(layers.count)")
        }
        for (l, layer) in layers.enumerated() {
            let n = layer.parameters.count
            guard c.parameters[l].count == n, c.adamFirstMoments[l].count == n, c.adamSecondMoments[l].count == n else {
                throw CheckpointError(
                    message: "checkpoint layer \(l + 1) holds \(c.parameters[l].count) parameters, the configuration needs \(n)")
            }
        }
        guard c.peerMeans.map(\.count) == peerMeans.map(\.count) else {
            throw CheckpointError(
                message: peerMeans.isEmpty
                    ? "checkpoint carries peer normalisation's running means, but the configuration has no peerNormalisation"
                    : "checkpoint lacks peer normalisation's running means of widths \(peerMeans.map(\.count)) (it has \(c.peerMeans.map(\.count)))"
            )
        }
        let readoutSize = readout?.weights.count ?? 0
        guard c.readoutWeights.count == readoutSize, c.readoutSmoothedGradient.count == readoutSize else {
            throw CheckpointError(
                message: readout == nil
                    ? "checkpoint carries a read-out for hard negatives, but the configuration's negativeLabels is not 'readout'"
                    : "checkpoint lacks the hard negatives' read-out of \(readoutSize) weights (it has \(c.readoutWeights.count))")
        }
        guard (0...totalSteps).contains(c.stepsDone) else {
            throw CheckpointError(message: "checkpoint at step \(c.stepsDone) is outside this run's 0…\(totalSteps)")
        }
        guard trace.count == c.stepsDone else {
            throw CheckpointError(message: "trace holds \(trace.count) epochs, the checkpoint \(c.stepsDone)")
        }
        negativesRNG = try Xoshiro256StarStar(state: c.negativesRNG)
        miningRNG = try Xoshiro256StarStar(state: c.miningRNG)
        for l in layers.indices {
            layers[l].parameters = c.parameters[l]
            optimizers[l].m = c.adamFirstMoments[l]
            optimizers[l].v = c.adamSecondMoments[l]
            optimizers[l].step = c.adamSteps[l]
        }
        peerMeans = c.peerMeans
        if let readout {
            readout.weights = c.readoutWeights
            readout.optimiser.m = c.readoutSmoothedGradient
        }
        stepsDone = c.stepsDone
        self.trace = trace
        greedyPreparedLayer = 0  // greedy inputs are rebuilt from the restored frozen layers
    }
}
