import Datasets

/// Every hyperparameter and open choice of the paper as docs/reading.md reads it, so that a run is
/// fully described by one value (stored as JSON with every result).
public struct FFConfiguration: Codable, Sendable, Equatable {
    public enum TrainingOrder: String, Codable, Sendable, CaseIterable {
        /// Baseline FF: layer 1 for all epochs, frozen, then layer 2, …
        case greedy
        /// AMSGA (Algorithm 1): every epoch steps every layer in order.
        case interleaved
    }
    public enum Initialisation: String, Codable, Sendable, CaseIterable {
        /// W, b ~ U(±1/√fan_in), the common framework default (baseline).
        case uniformFanIn
        /// W ~ N(0, 2/fan_in), b = 0 (AMSGA, "Kaiming").
        case kaimingNormal
        /// W ~ N(0, 1/fan_in), b = 0 (Hinton's FF script).
        case normalFanIn
    }
    /// The length each layer's input row is normalised to.
    public enum InputNormalisation: String, Codable, Sendable, CaseIterable {
        /// x / (‖x‖ + ε): length 1 (the paper's, every preset's).
        case unitLength
        /// √D · x / (‖x‖ + ε): a mean square of 1 over the row's D values (Hinton's script's ffnormrows).
        case unitMeanSquare
    }
    /// A decay of the learning rate other than AMSGA's warm-up and cosine.
    public enum LearningRateDecay: String, Codable, Sendable, CaseIterable {
        /// Hinton's FF code: η0 for the first half of the epochs, then
        /// η0 (1 + 2(E − e))/E, linearly down to η0/E at the last epoch.
        case linearSecondHalf
    }
    public enum Optimiser: String, Codable, Sendable, CaseIterable {
        /// Adam (the paper's and every preset's).
        case adam
        /// Hinton's FF script: SGD on the gradient smoothed over minibatches (SmoothedSGD.swift).
        case smoothedSGD
    }
    public enum NegativeLabels: String, Codable, Sendable, CaseIterable {
        /// A permutation of the training labels; ~10% of "negatives" keep their true label.
        case shuffled
        /// The same, with every label that equals the true one redrawn from the other nine.
        case shuffledExcludingTrue
        /// Hard negatives from the network's own predictions: at each step's
        /// start every training image is scored with every label (the scored
        /// layers, per-sample goodness), and its negative's label is drawn from
        /// the nine wrong labels with probability ∝ exp(score) (interleaved only).
        case predicted
        /// Hard negatives as Hinton's script draws them (SoftmaxReadout.swift):
        /// every minibatch, from a softmax read-out of the scored layers on the
        /// image with a neutral label, trained beside the network (interleaved,
        /// minibatches only).
        case readout
    }
    public enum NegativeRefresh: String, Codable, Sendable, CaseIterable {
        /// One permutation for the whole run (baseline).
        case once
        /// A new permutation every epoch (AMSGA, Algorithm 1).
        case everyEpoch
    }
    public enum LossReduction: String, Codable, Sendable, CaseIterable {
        /// mean over [softplus(θ−g⁺), softplus(g⁻−θ)] concatenated (baseline).
        case concatenated
        /// mean_i softplus(θ−g⁺ᵢ) + mean_k softplus(g⁻ₖ−θ) (AMSGA).
        case separateMeans
    }
    public enum MiningScore: String, Codable, Sendable, CaseIterable {
        /// The first layer's goodness scores candidates (Algorithm 1).
        case firstLayer
        /// The sum of every layer's goodness.
        case allLayers
    }
    public enum MiningThreshold: String, Codable, Sendable, CaseIterable {
        /// Candidates are compared with θ0 (Algorithm 1 passes θ0).
        case base
        /// Candidates are compared with the first layer's θ(1, p).
        case adaptive
    }
    /// Which g_global of eq. 4 training and mining use (prediction reports both, `PredictionGoodness`).
    public enum GlobalTerm: String, Codable, Sendable, CaseIterable {
        /// One number over the batch being scored, literally (eq. 4; the default).
        case batch
        /// The sample's own g_local: each sample's goodness depends on it alone.
        case ownSample
    }
    /// How the paper's l/L (eq. 5 and 11) is read.
    public enum DepthMeasure: String, Codable, Sendable, CaseIterable {
        /// d_l = (l − 1)/(L − 1): the only reading that gives the weights the paper states (the default).
        case relative
        /// l/L as printed: 1/3, 2/3, 1 for three layers.
        case literal

        /// The depth of layer l (1-based) of `count` weight layers.
        public func depth(layer l: Int, of count: Int) -> Double {
            switch self {
            case .relative: return count > 1 ? Double(l - 1) / Double(count - 1) : 0
            case .literal: return Double(l) / Double(count)
            }
        }
    }
    public enum PredictionGoodness: String, Codable, Sendable, CaseIterable {
        /// g_global replaced by the sample's own g_local.
        case perSample
        /// g_global over the evaluation batch of each label, literally.
        case batch
    }

    public var name: String
    public var dataset: DatasetName
    /// Input size first: [784, 600, 600, 500] has three weight layers.
    public var layerSizes: [Int]
    /// E: epochs of the whole run (interleaved) or of each layer (greedy).
    public var epochs: Int
    public var order: TrainingOrder

    // AMSGA's four components; each off gives the baseline's choice.
    public var multiScaleGoodness: Bool
    public var negativeMining: Bool
    public var adaptiveThreshold: Bool
    public var learningRateSchedule: Bool

    public var theta0: Double
    /// κ of the loss softplus(κ(θ − g)); nil is the paper's 1. Optional so that
    /// a configuration without it encodes (and hashes) as before it existed.
    public var lossSharpness: Double?
    public var sharpness: Double { lossSharpness ?? 1 }
    public var learningRate: Double
    /// nil is Adam, and encodes as before the option existed.
    public var optimiser: Optimiser?
    /// nil: η0 throughout, or AMSGA's schedule where `learningRateSchedule` is
    /// on (the two exclude each other). Optional, so that a configuration
    /// without it encodes as before the option existed.
    public var learningRateDecay: LearningRateDecay?
    /// Decoupled weight decay λ of the weights (AdamW: w ← w(1 − ηλ) each
    /// step); nil, the paper's, is none and encodes as before the option existed.
    public var weightDecay: Double?
    /// ρ of Hinton's peer normalisation (PeerNormalisation.swift): each unit's
    /// running mean activity on the positives is pulled towards its layer's
    /// average; his script's 0.03. nil, the paper's, is none and encodes as
    /// before the option existed (interleaved only).
    public var peerNormalisation: Double?
    /// Gradient clipping by global L2 norm over each layer's (W, b); nil for none.
    public var clipNorm: Double?
    public var initialisation: Initialisation
    public var negativeLabels: NegativeLabels
    public var negativeRefresh: NegativeRefresh
    /// β of the hard negatives' draw ∝ exp(β · score) (`predicted` labels);
    /// nil is 1. With a loss sharpness κ, goodness stays near θ and β = 1
    /// draws nearly uniformly; β = κ draws on the loss's own logits.
    public var negativeScoreScale: Double?
    public var lossReduction: LossReduction
    public var miningScore: MiningScore
    public var miningThreshold: MiningThreshold
    /// nil is `.batch`, and encodes as before the option existed.
    public var globalTerm: GlobalTerm?
    /// nil is `.relative`, and encodes as before the option existed.
    public var depthMeasure: DepthMeasure?
    public var adamBeta1: Double = 0.9
    public var adamBeta2: Double = 0.999
    public var adamEpsilon: Double = 1e-8
    /// ε of the input normalisation x / (‖x‖ + ε).
    public var normEpsilon: Double = 1e-4
    /// nil is unit length, and encodes as before the option existed.
    public var inputNormalisation: InputNormalisation?

    public var seed: UInt64 = 0
    /// Accuracies are measured every this many epochs (and at the end).
    public var evalEvery: Int = 50
    /// Minibatch size; nil trains full-batch (the paper's protocol). Each epoch
    /// visits the training rows in a fresh order (its own random stream, named
    /// by the step), in batches of this many (the last may be smaller); the
    /// learning-rate schedule and the curriculum progress p stay per epoch.
    public var batchSize: Int?
    /// Prediction sums goodness over layers from this one (1-based) to the
    /// last; nil scores every layer. Hinton's FF scores all but the first hidden layer (2).
    public var scoredFromLayer: Int?
    /// Train on a seeded subset of this many training images (quick runs).
    public var trainSize: Int?
    /// Validation and test on their first this many images (quick runs).
    public var evalSize: Int?
    /// OpenBLAS threads; results are bit-identical for a given count.
    public var threads: Int = defaultThreads
    /// The thread count of every preset and notebook run unless told otherwise
    /// (`amsga run --threads`): the committed results were made with it.
    public static let defaultThreads = 2
    /// More threads than any machine this runs on has cores; a larger count is a typo.
    public static let maxThreads = 256

    public var weightLayerCount: Int { layerSizes.count - 1 }
}

public struct ConfigurationError: Error, CustomStringConvertible {
    public let parameter: String
    public let problem: String
    public init(parameter: String, problem: String) {
        self.parameter = parameter
        self.problem = problem
    }
    public var description: String { "configuration parameter '\(parameter)': \(problem)" }
}

// MARK: - Presets (the paper's protocols)

extension FFConfiguration {
    public static let presetNames = [
        "baseline-mnist", "baseline-fashion", "amsga-mnist", "amsga-fashion", "hinton-mnist", "hinton-fashion",
        "hinton-text-mnist", "hinton-text-fashion",
    ]

    public static func preset(_ name: String) throws -> FFConfiguration {
        switch name {
        case "baseline-mnist": return baseline(.mnist)
        case "baseline-fashion": return baseline(.fashionMNIST)
        case "amsga-mnist": return amsga(.mnist)
        case "amsga-fashion": return amsga(.fashionMNIST)
        case "hinton-mnist": return hinton(.mnist)
        case "hinton-fashion": return hinton(.fashionMNIST)
        case "hinton-text-mnist": return hintonText(.mnist)
        case "hinton-text-fashion": return hintonText(.fashionMNIST)
        default:
            throw ConfigurationError(
                parameter: "preset",
                problem: "unknown preset '\(name)'; known: \(presetNames.joined(separator: ", "))")
        }
    }

    /// Baseline FF [8]: [784, 500, 500], greedy, θ 2.0, Adam 0.03, E 1000 / 1500 per layer.
    public static func baseline(_ dataset: DatasetName) -> FFConfiguration {
        FFConfiguration(
            name: dataset == .mnist ? "baseline-mnist" : "baseline-fashion",
            dataset: dataset, layerSizes: [784, 500, 500],
            epochs: dataset == .mnist ? 1000 : 1500, order: .greedy,
            multiScaleGoodness: false, negativeMining: false, adaptiveThreshold: false, learningRateSchedule: false,
            theta0: 2.0, learningRate: 0.03, clipNorm: nil, initialisation: .uniformFanIn,
            negativeLabels: .shuffled, negativeRefresh: .once, lossReduction: .concatenated,
            miningScore: .firstLayer, miningThreshold: .base)
    }

    /// AMSGA: interleaved, all four components, Kaiming init, clipping 0.3.
    public static func amsga(_ dataset: DatasetName) -> FFConfiguration {
        let mnist = dataset == .mnist
        return FFConfiguration(
            name: mnist ? "amsga-mnist" : "amsga-fashion",
            dataset: dataset, layerSizes: mnist ? [784, 600, 600, 500] : [784, 700, 700, 600],
            epochs: mnist ? 1500 : 2500, order: .interleaved,
            multiScaleGoodness: true, negativeMining: true, adaptiveThreshold: true, learningRateSchedule: true,
            theta0: mnist ? 2.0 : 2.5, learningRate: mnist ? 0.04 : 0.05, clipNorm: 0.3, initialisation: .kaimingNormal,
            negativeLabels: .shuffled, negativeRefresh: .everyEpoch, lossReduction: .separateMeans,
            miningScore: .firstLayer, miningThreshold: .base)
    }

    /// Hinton's supervised FF (arXiv:2212.13345, §3.3) as docs/strong-ff.md
    /// reads it: four hidden layers of 2,000 ReLUs, every layer stepping on
    /// each minibatch of 100, 60 epochs, prediction by the goodness of all but
    /// the first hidden layer, and what his paper leaves open as his released
    /// script does it: inputs at a mean square of 1, his logistic of Σh² − D
    /// (κ = D, θ0 = 1), SGD on the smoothed gradient at 0.01 with weight cost
    /// 0.001 and his decay, peer normalisation 0.03, N(0, 1/fan_in), hard
    /// negatives from a softmax read-out every minibatch. None of AMSGA's components.
    public static func hinton(_ dataset: DatasetName) -> FFConfiguration {
        var c = hintonText(dataset)
        c.name = dataset == .mnist ? "hinton-mnist" : "hinton-fashion"
        c.theta0 = 1
        c.lossSharpness = 2000
        c.learningRate = 0.01
        c.optimiser = .smoothedSGD
        c.learningRateDecay = .linearSecondHalf
        c.weightDecay = 0.001
        c.peerNormalisation = 0.03
        c.initialisation = .normalFanIn
        c.inputNormalisation = .unitMeanSquare
        c.negativeLabels = .readout
        return c
    }

    /// The first reading (docs/strong-ff.md): what Hinton's paper states, every
    /// other choice this project's own (length-normalised inputs, Adam at
    /// 0.03, θ = 2 on the mean of squares, U(±1/√fan_in)), hard negatives drawn
    /// ∝ exp(score) from the network's own goodness at each epoch's start.
    public static func hintonText(_ dataset: DatasetName) -> FFConfiguration {
        var c = FFConfiguration(
            name: dataset == .mnist ? "hinton-text-mnist" : "hinton-text-fashion",
            dataset: dataset, layerSizes: [784, 2000, 2000, 2000, 2000], epochs: 60, order: .interleaved,
            multiScaleGoodness: false, negativeMining: false, adaptiveThreshold: false, learningRateSchedule: false,
            theta0: 2.0, learningRate: 0.03, clipNorm: nil, initialisation: .uniformFanIn,
            negativeLabels: .predicted, negativeRefresh: .everyEpoch, lossReduction: .concatenated,
            miningScore: .firstLayer, miningThreshold: .base)
        c.batchSize = 100
        c.scoredFromLayer = 2
        c.evalEvery = 10
        return c
    }
}
