import Backprop
import Datasets
import ForwardForward
import Tensor

/// Memory a few training steps add on top of the loaded data: what the
/// paper's case for FF (no stored activations, no backward pass) is about.
/// Meant to run alone in a fresh process (`MemoryProbe`, `amsga bench memory`),
/// since a process's peak cannot be attributed to one of several trainers.
public enum TrainingMemory {
    public enum Method: String, CaseIterable, Codable, Sendable {
        case forwardForward = "ff"
        /// The backprop MLP.
        case backprop
        /// The backprop CNN.
        case cnn
    }

    public struct Result: Codable, Sendable, Equatable {
        /// Resident memory after loading the data, before training.
        public var dataMiB: Double
        /// Peak resident memory during the steps.
        public var peakMiB: Double
        public var trainingMiB: Double { peakMiB - dataMiB }
    }

    /// FF: `steps` epochs of `config` (full batch); greedy trainers step their first layer.
    public static func forwardForward(_ config: FFConfiguration, data: DataSplit, steps: Int) throws -> Result {
        var config = config
        config.evalEvery = Int.max / 2
        HeapReuse.releaseFree()
        let before = Machine.residentMiB()?.current ?? .nan
        Machine.resetPeak()
        let trainer = try FFTrainer(config: config, data: data)
        for _ in 0..<steps { trainer.step() }
        return Result(dataMiB: before, peakMiB: Machine.residentMiB()?.peak ?? .nan)
    }

    /// Backprop: `steps` minibatches of `settings.batchSize`; `makeModel` is
    /// called after the baseline is taken, so the model's own memory counts.
    public static func backprop<M: Classifier>(
        _ makeModel: () -> M, settings: BackpropSettings, data: DataSplit,
        steps: Int
    ) throws -> Result where M.Scalar == Float {
        var s = settings
        s.epochs = 1
        HeapReuse.releaseFree()
        let before = Machine.residentMiB()?.current ?? .nan
        Machine.resetPeak()
        let trainer = try BackpropTrainer(model: makeModel(), settings: s, data: data)
        trainer.trainSteps(steps)
        return Result(dataMiB: before, peakMiB: Machine.residentMiB()?.peak ?? .nan)
    }
}
