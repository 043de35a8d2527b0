import Datasets
import Foundation

/// What a cell that trains needs of the engine, whatever it trains: a run
/// file addressed by its configuration, a lock, a finished run found by its
/// configuration, and the record of the runs the cell's results come from.
/// Training itself is the caller's (Forward-Forward's is `CellContext.train`
/// in Studies); the engine knows a run only as a file and its configuration's hash.
extension CellContext {
    /// OpenBLAS threads of the training cells (provenance: not part of the key).
    public var threads: Int { inputs.threads }

    /// The run file of `name` for the configuration whose canonical JSON has
    /// SHA-256 `configurationHash`, in this cell's cache; its folder exists.
    public func runFile(_ name: String, configurationHash: String) throws -> String {
        let path = inputs.runPath(index, name, configurationHash: configurationHash)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        return path
    }

    /// Runs `body` holding the run file's lock: two parameter sets that train
    /// the same configuration train it once, the second waiting for the first.
    public func withRunLock<T>(_ runFile: String, _ body: () throws -> T) throws -> T {
        let lock = try RunLock(runPath: runFile, log: inputs.log)
        defer { lock.release() }
        return try body()
    }

    /// A committed trace of a finished run of this configuration, held by an
    /// entry of this notebook's cache or of another notebook's under the same
    /// outputs folder, that read the same data as this cell (`data`, before).
    public func finishedTrace(configurationHash: String, dataset: DatasetName) -> String? {
        inputs.finishedTrace(configurationHash: configurationHash, dataset: dataset.rawValue, dataFingerprint: dataRead[dataset.rawValue])
    }

    /// Records that the cell's results come from the finished run at `path`
    /// (its trace is published with the cell's entry), and the seconds of
    /// training done before this cell ran (a resumed or reused run's), so
    /// that the recorded time is what the results cost to compute.
    public func recordRun(_ name: String, at path: String, earlierSeconds: Double = 0) {
        runs.append((name, path))
        earlierTrainingSeconds += earlierSeconds
    }

    /// A line in the runner's log (not the cell's output).
    public func log(_ line: String) { inputs.log(line) }

    /// The progress reporter of a training run of `total` steps.
    public func progress(name: String, total: Int) -> (TrainingProgress) -> Void { inputs.progress(name: name, total: total) }
}

/// One step of a training run, as its progress line shows it.
public struct TrainingProgress: Sendable {
    public var step: Int
    public var loss: Double
    /// Validation accuracy in [0, 1]; NaN when the step did not evaluate.
    public var validation: Double

    public init(step: Int, loss: Double, validation: Double) {
        self.step = step
        self.loss = loss
        self.validation = validation
    }
}
