import ArgumentParser
import Backprop
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
        @Option(parsing: .unconditional, help: "Epochs to time (after one warm-up epoch).") var epochs: Int = 3
        @Option(parsing: .unconditional, help: "Training images (default: the full 50,000).") var trainSize: Int?
        @Option(parsing: .unconditional, help: "OpenBLAS threads.") var threads: Int = 2
        @Option(parsing: .unconditional, help: "Checkpoint interval of the end-to-end timing (its epochs: one interval).")
        var checkpointEvery: Int = 10
        @Flag(help: "Time no FF preset.") var skipFF = false
        @Flag(inversion: .prefixedNo, help: "Also time each preset at 1 thread (the speed-up line).") var scaling = true
        @Option(parsing: .upToNextOption, help: "Backprop models to time on MNIST, minibatches of 100: mlp, cnn.")
        var backprop: [BackpropModelKind] = [.mlp, .cnn]
        @Flag(help: "Time no backprop model.") var skipBackprop = false
        @Option(parsing: .unconditional, help: "Backprop minibatch steps to time (after one warm-up), scaled to an epoch.")
        var backpropSteps: Int = 50
        @OptionGroup var data: DataOptions

        func validate() throws {
            guard epochs > 0 else { throw ValidationError("--epochs must be positive, got \(epochs)") }
            guard checkpointEvery > 0 else { throw ValidationError("--checkpoint-every must be positive, got \(checkpointEvery)") }
            try validateThreads(threads)
            guard backpropSteps > 0 else { throw ValidationError("--backprop-steps must be positive, got \(backpropSteps)") }
            if let trainSize, trainSize <= 0 { throw ValidationError("--train-size must be positive, got \(trainSize)") }
        }

        func run() throws {
            BLASInfo.setThreads(threads)
            print(Machine.description())
            for name in skipFF ? [] : presets { try timePreset(name) }
            if !skipBackprop { try timeBackprop() }
        }

        /// One FF preset's epoch: against the products alone, end to end as a
        /// training cell runs it, its CPU and memory, and at one thread.
        func timePreset(_ name: String) throws {
            var config = try FFConfiguration.preset(name)
            config.threads = threads
            config.trainSize = trainSize
            // Full validation and test sets: the evaluation line times a real one, and
            // the peak memory includes them, as in a training run.
            let split = try DataSplit.load(
                config.dataset, locator: DataLocator(explicit: data.directory),
                seed: 0, trainSize: trainSize)
            let t = try EpochTiming.measure(config, data: split, epochs: epochs, checkpointEvery: checkpointEvery)
            let what = t.seconds.count > 1 ? "one epoch of every layer (sum of the layers' epochs)" : "epoch"
            print(String(format: "%@: %.3f s per %@; sgemm alone %.3f s; ratio %.3f", name, t.perEpoch, what, t.bound, t.ratio))
            print(
                String(
                    format: "  of which products %.3f s (%.2f× alone), the rest (Swift kernels) %.3f s",
                    t.inSitu, t.inSitu / t.bound, t.perEpoch - t.inSitu))
            let e = t.endToEnd
            let bare = t.seconds.last ?? .nan
            print(
                String(
                    format: "  end to end as a training cell runs it (%d %@epochs, a checkpoint every %d, run file %.1f MB): "
                        + "%.3f s per epoch = steps %.3f s + writes %.4f s; %.3f× the steps alone, %.3f× the bare epoch above",
                    e.epochsTimed, t.seconds.count > 1 ? "last-layer " : "", e.checkpointEvery, Double(e.runFileBytes) / 1e6,
                    e.perEpoch, e.stepSeconds, e.writeSeconds, e.ratio, e.perEpoch / bare))
            let u = t.usage
            print(
                String(
                    format: "  CPU over the timed epochs: user %.2f s, system %.2f s (%.1f%% of user); page faults %d minor, %d major",
                    u.userSeconds, u.systemSeconds, 100 * u.systemSeconds / max(u.userSeconds, 1e-9), u.minorFaults, u.majorFaults))
            print(String(format: "  one evaluation (train, validation, test; both modes): %.3f s", t.evaluationSeconds))
            print(String(format: "  peak resident memory while training and evaluating: %.0f MiB", t.peakTrainingMiB))
            if scaling && threads != 1 {
                config.threads = 1
                let s1 = try BLASThreads.with(1) { try EpochTiming.measure(config, data: split, epochs: epochs) }.perEpoch
                print(
                    String(
                        format: "  threads: 1 → %.3f s per %@, %d → %.3f s; speed-up %.2f×", s1, what, threads, t.perEpoch,
                        s1 / t.perEpoch))
            }
            if t.seconds.count > 1 {
                for (l, (s, b)) in zip(t.seconds, t.boundSeconds).enumerated() {
                    print(String(format: "  layer %d: %.3f s per epoch, sgemm %.3f s, ratio %.3f", l + 1, s, b, s / b))
                }
            }
        }

        /// Each backprop model's epoch on MNIST, from `backpropSteps` minibatches of 100.
        func timeBackprop() throws {
            let split = try DataSplit.load(
                .mnist, locator: DataLocator(explicit: data.directory), seed: 0, trainSize: trainSize, evalSize: 1)
            func time<M: Classifier>(_ model: M) throws -> BackpropTiming where M.Scalar == Float {
                try BackpropTiming.measure(BackpropTrainer(model: model, settings: BackpropSettings(), data: split), steps: backpropSteps)
            }
            for kind in backprop {
                let t: BackpropTiming
                switch kind {
                case .mlp: t = try time(MLP<Float>(sizes: MLP<Float>.baselineSizes, seed: 0))
                case .cnn: t = try time(CNN<Float>(architecture: .tutorial, seed: 0))
                }
                print(
                    String(
                        format: "%@-mnist (batch 100): %.3f s per epoch (%d steps of %.4f s, %d timed); sgemm alone %.3f s; ratio %.3f",
                        kind.rawValue, t.perEpoch, t.stepsPerEpoch, t.secondsPerStep, t.stepsTimed, t.bound, t.ratio))
                print(String(format: "  peak resident memory so far: %.0f MiB", Machine.peakResidentMiB()))
            }
        }
    }
}

/// The backprop models `bench train` can time.
enum BackpropModelKind: String, ExpressibleByArgument, CaseIterable {
    case mlp, cnn
}
