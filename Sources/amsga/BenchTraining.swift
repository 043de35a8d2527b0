import ArgumentParser
import Benchmarks
import Datasets
import ForwardForward
import Tensor

extension Bench {
    struct Training: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "train",
            abstract: "Seconds per epoch of AMSGA and the baseline, against the same sgemm products alone.")
        @Option(parsing: .upToNextOption, help: "Presets to time.") var presets: [String] = ["amsga-mnist", "baseline-mnist"]
        @Option(help: "Epochs to time (after one warm-up epoch).") var epochs: Int = 3
        @Option(help: "Training images (default: the full 50,000).") var trainSize: Int?
        @Option(help: "OpenBLAS threads.") var threads: Int = 2
        @OptionGroup var data: DataOptions

        func run() throws {
            BLASInfo.setThreads(threads)
            print(Machine.description())
            for name in presets {
                var config = try FFConfiguration.preset(name)
                config.threads = threads
                config.trainSize = trainSize
                config.evalSize = 1
                let split = try DataSplit.load(config.dataset, locator: DataLocator(explicit: data.directory),
                                               seed: 0, trainSize: trainSize, evalSize: 1)
                let t = try EpochTiming.measure(config, data: split, epochs: epochs)
                let what = t.seconds.count > 1 ? "one epoch of every layer (sum of the layers' epochs)" : "epoch"
                print(String(format: "%@: %.3f s per %@; sgemm alone %.3f s; ratio %.3f", name, t.perEpoch, what, t.bound, t.ratio))
                if t.seconds.count > 1 {
                    for (l, (s, b)) in zip(t.seconds, t.boundSeconds).enumerated() {
                        print(String(format: "  layer %d: %.3f s per epoch, sgemm %.3f s, ratio %.3f", l + 1, s, b, s / b))
                    }
                }
                print(String(format: "  peak resident memory so far: %.0f MiB", Machine.peakResidentMiB()))
            }
        }
    }
}
