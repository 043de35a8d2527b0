import Datasets
import ForwardForward
import Foundation
import Notebook
import RunStore

/// Forward-Forward training as a cell's run, over the engine's run API
/// (`CellRuns`): the engine addresses the run file by the configuration's
/// hash and publishes its trace; what a run is, how it resumes and what it
/// records are Forward-Forward's, here.
extension CellContext {
    /// Trains `config` at the runner's thread count, writing a run file in the
    /// cache (addressed by the configuration) with a checkpoint every
    /// `checkpointEvery` epochs. An interrupted run of the same configuration
    /// resumes. A finished one is reused: its run file, or else (in a clone,
    /// which has no run files) the committed trace of an entry that trained it
    /// on the same data, which holds all that a table or figure reads.
    @discardableResult
    public func train(_ config: FFConfiguration, data: DataSplit, as name: String, checkpointEvery: Int = 10) throws -> RunContents {
        var config = config
        config.threads = threads
        let hash = Verification.sha256Hex(Data(RunFile.configurationJSON(config).utf8))
        let path = try runFile(name, configurationHash: hash)
        return try withRunLock(path) {
            let previous = (try? RunFile.read(path: path)).flatMap { $0.config == config ? $0 : nil }
            if let previous, previous.finalPerSample != nil {
                return reuse(previous, at: path, as: name, what: "the finished run of this configuration")
            }
            if previous == nil, let trace = finishedTrace(configurationHash: hash, dataset: config.dataset),
                let contents = try? RunFile.read(path: trace), contents.config == config, contents.finalPerSample != nil
            {
                return reuse(contents, at: trace, as: name, what: "the committed trace of this configuration's finished run")
            }
            return try trainAnew(config, data: data, as: name, at: path, resuming: previous, checkpointEvery: checkpointEvery)
        }
    }

    private func trainAnew(
        _ config: FFConfiguration, data: DataSplit, as name: String, at path: String, resuming previous: RunContents?, checkpointEvery: Int
    ) throws -> RunContents {
        let trainer = try FFTrainer(config: config, data: data)
        var earlier = 0.0
        if let previous, let c = previous.checkpoint {
            let done = Array(previous.trace.prefix(c.stepsDone))
            try trainer.restore(c, trace: done)
            earlier = Self.trainingSeconds(done)
            log("  \(name): resuming at step \(c.stepsDone) of \(trainer.totalSteps)")
        }
        // The checkpoint resumed from goes into every write until the next one
        // replaces it: a second kill before then must not lose it.
        let recorder = try RunRecorder(
            path: path, checkpointEvery: checkpointEvery, resumingFrom: previous?.checkpoint,
            attributes: data.source.map { ["data_source": .string($0.json)] } ?? [:])
        let progress = progress(name: name, total: trainer.totalSteps)
        try trainer.train(onStep: { t in
            progress(TrainingProgress(step: t.epoch, loss: t.meanLoss, validation: t.accuracyPerSample.validation))
            try recorder.record(trainer)
        })
        let final = trainer.evaluate()
        try recorder.record(trainer, final: final)
        recordRun(name, at: path, earlierSeconds: earlier)
        return try RunFile.read(path: path)
    }

    private func reuse(_ run: RunContents, at path: String, as name: String, what: String) -> RunContents {
        log("  \(name): \(what) is reused (\(path))")
        recordRun(name, at: path, earlierSeconds: Self.trainingSeconds(run.trace))
        return run
    }

    static func trainingSeconds(_ trace: [EpochTrace]) -> Double {
        trace.map(\.wallSeconds).filter(\.isFinite).reduce(0, +)
    }
}

/// A training cell's configuration is checked before any cell runs.
extension FFConfiguration: CheckedBeforeRunning {}

/// Reading a trained run back, over the engine's run files.
extension CellContext {
    /// The run an earlier cell trained (it trains one per parameter set).
    public func run<P>(from cell: CellRef<P>) throws -> RunContents { try RunFile.read(path: try runFile(from: cell)) }
}

extension SweepPoint {
    /// The run the swept cell trained for this point (it trains one).
    public func run() throws -> RunContents { try RunFile.read(path: try runFile()) }
}
