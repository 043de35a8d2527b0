import Backprop
import Datasets
import ForwardForward
import Foundation
import RunStore
import Tensor

/// One measurement of `TrainingMemory`: a method, its batch and how many steps.
/// A process's peak cannot be attributed to one of several trainers, so a
/// probe runs alone in a fresh process (`amsga bench memory`, built from
/// `arguments`); `measureInFreshProcess` starts it and reads its result as JSON.
public struct MemoryProbe: Codable, Sendable, Equatable {
    public var method: TrainingMemory.Method
    /// FF preset (method `.forwardForward`).
    public var preset = "amsga-mnist"
    /// Backprop's dataset (methods `.backprop` and `.cnn`).
    public var dataset = DatasetName.mnist
    /// Backprop images per step (50,000: full batch, as FF).
    public var batch = 100
    public var steps = 2
    public var threads = 2

    public init(
        method: TrainingMemory.Method, preset: String = "amsga-mnist", dataset: DatasetName = .mnist, batch: Int = 100,
        steps: Int = 2, threads: Int = 2
    ) {
        self.method = method
        self.preset = preset
        self.dataset = dataset
        self.batch = batch
        self.steps = steps
        self.threads = threads
    }

    /// A short name for the probe's output line.
    public var label: String {
        method == .forwardForward ? preset : "\(method == .cnn ? "cnn" : "backprop")-\(dataset.rawValue)-batch\(batch)"
    }

    /// `amsga bench memory`'s options for this probe (the command parses them back into the same probe).
    public var arguments: [String] {
        [
            "--method", method.rawValue, "--preset", preset, "--dataset", dataset.rawValue, "--batch", "\(batch)",
            "--steps", "\(steps)", "--threads", "\(threads)",
        ]
    }

    /// Measures in this process: meaningful only in a process that runs this probe alone.
    public func measure(locator: DataLocator) throws -> TrainingMemory.Result {
        BLASInfo.setThreads(threads)
        switch method {
        case .forwardForward:
            var config = try FFConfiguration.preset(preset)
            config.threads = threads
            config.evalSize = 1
            let split = try DataSplit.load(config.dataset, locator: locator, seed: 0, evalSize: 1)
            return try TrainingMemory.forwardForward(config, data: split, steps: steps)
        case .backprop, .cnn:
            var settings = BackpropSettings()
            settings.batchSize = batch
            let split = try DataSplit.load(dataset, locator: locator, seed: 0, evalSize: 1)
            if method == .cnn {
                return try TrainingMemory.backprop(
                    { CNN<Float>(architecture: .tutorial, seed: 0) }, settings: settings, data: split, steps: steps)
            }
            return try TrainingMemory.backprop(
                { MLP<Float>(sizes: MLP<Float>.baselineSizes, seed: 0) }, settings: settings, data: split, steps: steps)
        }
    }

    /// Runs `executable bench memory … --json` and returns what it measured.
    public func measureInFreshProcess(executable: String) throws -> TrainingMemory.Result {
        // Errors included, so that a refusal reaches the message; the result is the JSON line.
        let (status, output) = try Subprocess.run([executable, "bench", "memory"] + arguments + ["--json"])
        guard status == 0, let line = output.split(separator: "\n").last(where: { $0.hasPrefix("{") }),
            let result = try? JSONDecoder().decode(TrainingMemory.Result.self, from: Data(line.utf8))
        else {
            throw MemoryProbeError(
                description: "amsga bench memory \(arguments.joined(separator: " ")) failed (status \(status)): \(output)")
        }
        return result
    }
}

public struct MemoryProbeError: Error, CustomStringConvertible {
    public let description: String
}
