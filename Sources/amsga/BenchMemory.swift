import ArgumentParser
import Backprop
import Benchmarks
import Datasets
import ForwardForward
import Tensor

extension Bench {
    struct Memory: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Memory a few training steps add to the loaded data (run one method per process).",
            discussion: "Prints one line: method, data MiB, peak MiB, training MiB. The backprop notebook runs it once per method.")
        @Option(help: "ff, backprop (the MLP) or cnn.") var method: String
        @Option(help: "FF preset (with --method ff).") var preset: String = "amsga-mnist"
        @Option(help: "Dataset for backprop: mnist or fashion-mnist.") var dataset: String = "mnist"
        @Option(parsing: .unconditional, help: "Backprop images per step (50000: full batch, as FF).") var batch: Int = 100
        @Option(parsing: .unconditional, help: "Steps to run.") var steps: Int = 2
        @Option(parsing: .unconditional, help: "OpenBLAS threads.") var threads: Int = 2
        @OptionGroup var data: DataOptions

        func run() throws {
            BLASInfo.setThreads(threads)
            guard let m = TrainingMemory.Method(rawValue: method) else {
                throw ValidationError("--method must be one of \(TrainingMemory.Method.allCases.map(\.rawValue)), got '\(method)'")
            }
            guard steps > 0 else { throw ValidationError("--steps must be positive, got \(steps)") }
            let locator = DataLocator(explicit: data.directory)
            let result: TrainingMemory.Result
            let label: String
            switch m {
            case .forwardForward:
                var config = try FFConfiguration.preset(preset)
                config.threads = threads
                config.evalSize = 1
                let split = try DataSplit.load(config.dataset, locator: locator, seed: 0, evalSize: 1)
                result = try TrainingMemory.forwardForward(config, data: split, steps: steps)
                label = preset
            case .backprop, .cnn:
                guard let d = DatasetName(rawValue: dataset) else { throw ValidationError("unknown --dataset '\(dataset)'") }
                guard batch > 0 else { throw ValidationError("--batch must be positive, got \(batch)") }
                var settings = BackpropSettings()
                settings.batchSize = batch
                let split = try DataSplit.load(d, locator: locator, seed: 0, evalSize: 1)
                if m == .cnn {
                    result = try TrainingMemory.backprop(
                        { CNN<Float>(architecture: .tutorial, seed: 0) }, settings: settings, data: split, steps: steps)
                } else {
                    result = try TrainingMemory.backprop(
                        { MLP<Float>(sizes: MLP<Float>.baselineSizes, seed: 0) }, settings: settings, data: split, steps: steps)
                }
                label = "\(m == .cnn ? "cnn" : "backprop")-\(dataset)-batch\(batch)"
            }
            print(
                String(
                    format: "%@ data %.1f MiB peak %.1f MiB training %.1f MiB", label, result.dataMiB, result.peakMiB, result.trainingMiB))
        }
    }
}
