import ArgumentParser
import Datasets
import ForwardForward
import Foundation

struct TrainingOptions: ParsableArguments {
    @Option(help: "One of: \(FFConfiguration.presetNames.joined(separator: ", ")).")
    var preset: String = "amsga-mnist"
    @Option(help: "Epochs (per layer for the greedy baseline); default: the preset's.") var epochs: Int?
    @Option(help: "Seed of the split, initialisation, negatives and mining.") var seed: UInt64 = 0
    @Option(help: "Measure accuracy every K epochs.") var evalEvery: Int?
    @Option(help: "Train on a seeded subset of N training images.") var trainSize: Int?
    @Option(help: "Validate and test on the first N images only.") var evalSize: Int?
    @Option(help: "OpenBLAS threads.") var threads: Int = 2
    @Flag(help: "Switch off multi-scale goodness (ablation).") var noMultiScale = false
    @Flag(help: "Switch off negative mining (ablation).") var noMining = false
    @Flag(help: "Switch off the adaptive threshold (ablation).") var noAdaptiveThreshold = false
    @Flag(help: "Switch off the learning-rate schedule (ablation).") var noSchedule = false
    @OptionGroup var data: DataOptions

    func configuration() throws -> FFConfiguration {
        var c = try FFConfiguration.preset(preset)
        if let e = epochs { c.epochs = e }
        c.seed = seed
        c.evalEvery = evalEvery ?? max(1, min(50, c.epochs / 10))
        c.trainSize = trainSize
        c.evalSize = evalSize
        c.threads = threads
        if noMultiScale { c.multiScaleGoodness = false }
        if noMining { c.negativeMining = false }
        if noAdaptiveThreshold { c.adaptiveThreshold = false }
        if noSchedule { c.learningRateSchedule = false }
        try c.validate()
        return c
    }

    func loadData(_ c: FFConfiguration) throws -> DataSplit {
        try DataSplit.load(c.dataset, locator: DataLocator(explicit: data.directory), seed: c.seed,
                           trainSize: c.trainSize, evalSize: c.evalSize)
    }
}

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Train baseline FF or AMSGA and print the accuracies.")
    @OptionGroup var options: TrainingOptions

    func run() throws {
        let config = try options.configuration()
        let data = try options.loadData(config)
        let trainer = try FFTrainer(config: config, data: data)
        let progress = ProgressLine(total: trainer.totalSteps)
        print("\(config.name): \(config.layerSizes), \(config.epochs) epochs\(trainer.greedy ? " per layer" : ""), "
              + "\(data.train.count) training images, seed \(config.seed)")
        try trainer.train(onStep: { progress.update($0) })
        progress.finish()
        let (ps, bt) = trainer.evaluate()
        print(String(format: "final accuracy (per-sample goodness): train %.2f%%  validation %.2f%%  test %.2f%%",
                     100 * ps.train, 100 * ps.validation, 100 * ps.test))
        print(String(format: "final accuracy (batch goodness):      train %.2f%%  validation %.2f%%  test %.2f%%",
                     100 * bt.train, 100 * bt.validation, 100 * bt.test))
    }
}

/// One progress line on a terminal, redrawn in place; on a pipe, a line per evaluation.
final class ProgressLine {
    let total: Int
    let tty = isatty(STDERR_FILENO) != 0
    let start = Date()
    var lastAccuracy = Double.nan

    init(total: Int) { self.total = total }

    func update(_ t: EpochTrace) {
        if !t.accuracyPerSample.validation.isNaN { lastAccuracy = t.accuracyPerSample.validation }
        let elapsed = Date().timeIntervalSince(start)
        let left = elapsed / Double(t.epoch) * Double(total - t.epoch)
        let layer = t.trainingLayer > 0 ? " layer \(t.trainingLayer)" : ""
        let line = String(format: "epoch %d/%d%@  loss %.4f  val acc %@  %.2fs/epoch  left %@",
                          t.epoch, total, layer, t.meanLoss,
                          lastAccuracy.isNaN ? "  -   " : String(format: "%.2f%%", 100 * lastAccuracy),
                          t.wallSeconds, Self.duration(left))
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
