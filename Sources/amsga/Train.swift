import ArgumentParser
import Datasets
import ForwardForward
import Foundation
import RunStore

struct TrainingOptions: ParsableArguments {
    @Option(help: "One of: \(FFConfiguration.presetNames.joined(separator: ", ")).")
    var preset: String = "amsga-mnist"
    @Option(parsing: .unconditional, help: "Epochs (per layer for the greedy baseline); default: the preset's.") var epochs: Int?
    @Option(parsing: .unconditional, help: "Seed of the split, initialisation, negatives and mining.") var seed: UInt64 = 0
    @Option(parsing: .unconditional, help: "Measure accuracy every K epochs.") var evalEvery: Int?
    @Option(parsing: .unconditional, help: "Train on a seeded subset of N training images.") var trainSize: Int?
    @Option(parsing: .unconditional, help: "Validate and test on the first N images only.") var evalSize: Int?
    @Option(parsing: .unconditional, help: "OpenBLAS threads.") var threads: Int = 2
    @Option(parsing: .unconditional, help: "Minibatch size (default: the preset's; the paper's presets train full-batch).")
    var batchSize: Int?
    @Option(parsing: .unconditional, help: "Base threshold θ0 (default: the preset's).") var theta0: Double?
    @Option(parsing: .unconditional, help: "Base learning rate η0 (default: the preset's).") var learningRate: Double?
    @Option(
        help:
            "Decay of the learning rate: \(FFConfiguration.LearningRateDecay.allCases.map(\.rawValue).joined(separator: ", ")) (Hinton's: constant, then linear over the second half; default: none; needs --no-schedule where the preset has AMSGA's)."
    )
    var learningRateDecay: FFConfiguration.LearningRateDecay?
    @Option(
        parsing: .unconditional,
        help: "κ of the loss softplus(κ(θ − g)) (default 1; Hinton's sum-of-squares logistic is κ = layer width with θ0 = 1).")
    var lossSharpness: Double?
    @Option(
        help:
            "Labels of the negatives: \(FFConfiguration.NegativeLabels.allCases.map(\.rawValue).joined(separator: ", ")) (default: the preset's; readout is Hinton's script's, minibatches only)."
    )
    var negativeLabels: FFConfiguration.NegativeLabels?
    @Option(
        parsing: .unconditional,
        help: "β of the hard negatives' draw ∝ exp(β · score) (default 1; with --loss-sharpness κ, β = κ draws on the loss's logits).")
    var negativeScoreScale: Double?
    @Option(
        help:
            "Optimiser: \(FFConfiguration.Optimiser.allCases.map(\.rawValue).joined(separator: ", ")) (Hinton's script: smoothedSGD, the gradient smoothed over minibatches; default: adam)."
    )
    var optimiser: FFConfiguration.Optimiser?
    @Option(parsing: .unconditional, help: "Decoupled weight decay λ of the weights, AdamW's (default: none).") var weightDecay: Double?
    @Option(
        help:
            "Length of each layer's normalised input: \(FFConfiguration.InputNormalisation.allCases.map(\.rawValue).joined(separator: ", ")) (Hinton's script: unitMeanSquare; default: unitLength)."
    )
    var inputNormalisation: FFConfiguration.InputNormalisation?
    @Option(
        help:
            "Initialisation: \(FFConfiguration.Initialisation.allCases.map(\.rawValue).joined(separator: ", ")) (Hinton's script: normalFanIn; default: the preset's)."
    )
    var initialisation: FFConfiguration.Initialisation?
    @Option(
        parsing: .unconditional,
        help: "ρ of Hinton's peer normalisation: each unit's mean activity pulled towards its layer's (his script's 0.03; default: none).")
    var peerNormalisation: Double?
    @Flag(help: "Switch off multi-scale goodness (ablation).") var noMultiScale = false
    @Flag(help: "Switch off negative mining (ablation).") var noMining = false
    @Flag(help: "Switch off the adaptive threshold (ablation).") var noAdaptiveThreshold = false
    @Flag(help: "Switch off the learning-rate schedule (ablation).") var noSchedule = false
    @OptionGroup var data: DataOptions

    /// A bad value is a misuse of the command line: refused with the usage, before any data is read.
    func validate() throws {
        do { _ = try configuration() } catch let e as ConfigurationError { throw ValidationError(e.description) }
    }

    func configuration() throws -> FFConfiguration {
        var c = try FFConfiguration.preset(preset)
        if let e = epochs { c.epochs = e }
        c.seed = seed
        c.evalEvery = evalEvery ?? max(1, min(50, c.epochs / 10))
        c.trainSize = trainSize
        c.evalSize = evalSize
        c.threads = threads
        if let b = batchSize { c.batchSize = b }
        if let t = theta0 { c.theta0 = t }
        if let r = learningRate { c.learningRate = r }
        if let d = learningRateDecay { c.learningRateDecay = d }
        if let k = lossSharpness { c.lossSharpness = k }
        if let w = weightDecay { c.weightDecay = w }
        if let o = optimiser { c.optimiser = o }
        if let n = inputNormalisation { c.inputNormalisation = n }
        if let i = initialisation { c.initialisation = i }
        if let r = peerNormalisation { c.peerNormalisation = r }
        if let n = negativeLabels { c.negativeLabels = n }
        if let b = negativeScoreScale { c.negativeScoreScale = b }
        if noMultiScale { c.multiScaleGoodness = false }
        if noMining { c.negativeMining = false }
        if noAdaptiveThreshold { c.adaptiveThreshold = false }
        if noSchedule { c.learningRateSchedule = false }
        try c.validate()
        return c
    }

    func loadData(_ c: FFConfiguration) throws -> DataSplit {
        try DataSplit.load(
            c.dataset, locator: DataLocator(explicit: data.directory), seed: c.seed,
            trainSize: c.trainSize, evalSize: c.evalSize)
    }
}

extension FFConfiguration.NegativeLabels: ExpressibleByArgument {}
extension FFConfiguration.LearningRateDecay: ExpressibleByArgument {}
extension FFConfiguration.Optimiser: ExpressibleByArgument {}
extension FFConfiguration.InputNormalisation: ExpressibleByArgument {}
extension FFConfiguration.Initialisation: ExpressibleByArgument {}

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train baseline FF or AMSGA and print the accuracies.",
        discussion:
            "With --out, the run file (trace and last checkpoint) is written every --checkpoint-every epochs and at the end; a killed run continues with --resume FILE from its last checkpoint."
    )
    @OptionGroup var options: TrainingOptions
    @Option(help: "Write the run (trace, checkpoints, final accuracies) to this HDF5 file.") var out: String?
    @Flag(help: "Replace an existing --out file.") var overwrite = false
    @Option(help: "Continue the run in this HDF5 file from its last checkpoint (its own configuration is used).")
    var resume: String?
    @Option(parsing: .unconditional, help: "Checkpoint every N epochs (and at the end).") var checkpointEvery: Int = 10

    func run() throws {
        let (config, restored) = try startingPoint()
        let data = try options.loadData(config)
        let trainer = try FFTrainer(config: config, data: data)
        if let r = restored, let path = resume {
            guard let c = r.checkpoint else { throw RuntimeError("\(path) has no checkpoint to resume from") }
            try Self.requireSameData(r, data, resuming: path)
            try trainer.restore(c, trace: Array(r.trace.prefix(c.stepsDone)))
            print("resuming \(path) at step \(c.stepsDone) of \(trainer.totalSteps)")
        }
        let recorder = try (resume ?? out).map { path in
            try RunRecorder(
                path: path, checkpointEvery: checkpointEvery, resumingFrom: restored?.checkpoint,
                attributes: data.source.map { ["data_source": .string($0.json)] } ?? [:])
        }
        let progress = ProgressLine(total: trainer.totalSteps)
        print(
            "\(config.name): \(config.layerSizes), \(config.epochs) epochs\(trainer.greedy ? " per layer" : ""), "
                + "\(data.train.count) training images, seed \(config.seed)")
        if let source = data.source { print("data: " + source.summary) }
        try trainer.train(onStep: { record in
            progress.update(record)
            try recorder?.record(trainer)
        })
        progress.finish()
        let (ps, bt) = trainer.evaluate()
        try recorder?.record(trainer, final: (ps, bt))
        print(
            String(
                format: "final accuracy (per-sample goodness): train %.2f%%  validation %.2f%%  test %.2f%%",
                100 * ps.train, 100 * ps.validation, 100 * ps.test))
        print(
            String(
                format: "final accuracy (batch goodness):      train %.2f%%  validation %.2f%%  test %.2f%%",
                100 * bt.train, 100 * bt.validation, 100 * bt.test))
        if let r = recorder { printWriteCost(r, trainer) }
    }

    /// The configuration to train (a resumed file's own) and the run it
    /// resumes; refuses an --out that would replace a run unasked, and a
    /// folder the run file cannot be written to.
    func startingPoint() throws -> (FFConfiguration, RunContents?) {
        if out != nil && resume != nil { throw ValidationError("--out and --resume are exclusive: --resume writes to the file it resumes") }
        var config = try options.configuration()
        var restored: RunContents?
        if let path = resume {
            let contents = try RunFile.read(path: path)
            config = contents.config
            restored = contents
        } else if let path = out, FileManager.default.fileExists(atPath: path), !overwrite {
            throw RuntimeError("\(path) exists: pass --resume \(path) to continue it, or --overwrite to replace it")
        }
        if let path = resume ?? out {
            let folder = (path as NSString).deletingLastPathComponent
            try WritableFolder.require(folder.isEmpty ? "." : folder, for: "the run file \(path)")
        }
        return (config, restored)
    }

    /// A run resumes on the data files it started with (their SHA-256s are in its `data_source`).
    static func requireSameData(_ r: RunContents, _ data: DataSplit, resuming path: String) throws {
        guard let recorded = r.attributes["data_source"]?.string, let now = data.source,
            let then = try? JSONSerialization.jsonObject(with: Data(recorded.utf8)) as? [String: Any],
            let files = then["files"] as? [String: String],
            let changed = now.files.first(where: { f in files[f.part.rawValue].map { $0 != f.sha256 } ?? false })
        else { return }
        throw RuntimeError(
            "\(path) was trained on other data: \(changed.path) is not the file it started with (SHA-256 differs); "
                + "resume it with the data it recorded (\(then["folder"] as? String ?? "?"))")
    }

    /// What writing the run file cost per epoch, beside the epoch's time.
    func printWriteCost(_ r: RunRecorder, _ trainer: FFTrainer) {
        guard r.writeSeconds.count > 1 else { return }
        let writes = r.writeSeconds.dropLast()  // the last one stores the final accuracies, after training
        let epochs = trainer.trace.suffix(writes.count).map(\.wallSeconds)
        let w = writes.reduce(0, +) / Double(writes.count)
        let e = epochs.reduce(0, +) / Double(max(epochs.count, 1))
        let files = r.filesWritten - 1
        let each = writes.reduce(0, +) / Double(max(files, 1))
        print(
            String(
                format:
                    "writing %@: %.2f ms per epoch (a checkpoint every %d epochs: %d files of %.1f ms each), %.2f%% of the %.3f s epoch",
                r.path, 1000 * w, checkpointEvery, files, 1000 * each, 100 * w / e, e))
    }
}

/// One progress line on a terminal, redrawn in place; on a pipe, a line per evaluation.
final class ProgressLine {
    let total: Int
    let tty = isatty(STDERR_FILENO) != 0
    var pace = StepPace()
    var lastAccuracy = Double.nan

    init(total: Int) { self.total = total }

    func update(_ t: EpochTrace) {
        if !t.accuracyPerSample.validation.isNaN { lastAccuracy = t.accuracyPerSample.validation }
        let (perEpoch, left) = pace.after(step: t.epoch, of: total)
        let layer = t.trainingLayer > 0 ? " layer \(t.trainingLayer)" : ""
        let line = String(
            format: "epoch %d/%d%@  loss %.4f  val acc %@  %.2fs/epoch  left %@",
            t.epoch, total, layer, t.meanLoss,
            lastAccuracy.isNaN ? "  -   " : String(format: "%.2f%%", 100 * lastAccuracy),
            perEpoch, Self.duration(left))
        if tty {
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
        } else if !t.accuracyPerSample.validation.isNaN {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    func finish() { if tty { FileHandle.standardError.write(Data("\n".utf8)) } }

    static func duration(_ s: Double) -> String {
        guard s.isFinite else { return "?" }
        let t = Int(s.rounded())
        return t >= 3600 ? String(format: "%dh%02dm", t / 3600, t % 3600 / 60) : String(format: "%dm%02ds", t / 60, t % 60)
    }
}
