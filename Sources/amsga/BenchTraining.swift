import ArgumentParser
import Datasets
import ForwardForward
import Foundation
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
            print(Bench.machine())
            for name in presets {
                var config = try FFConfiguration.preset(name)
                config.threads = threads
                config.trainSize = trainSize
                config.evalEvery = Int.max / 2  // accuracy is not part of an epoch's time
                config.evalSize = 1
                let split = try DataSplit.load(config.dataset, locator: DataLocator(explicit: data.directory),
                                               seed: 0, trainSize: trainSize, evalSize: 1)
                let trainer = try FFTrainer(config: config, data: split)
                // Greedy: time layer 1 and the last layer separately (their products differ).
                var epochTimes: [Double] = []
                var boundTimes: [Double] = []
                let layersToTime = trainer.greedy ? Array(0 ..< trainer.layerCount) : [0]
                for layer in layersToTime {
                    if trainer.greedy {
                        while trainer.stepsDone < layer * config.epochs { trainer.skipGreedyStep() }
                    }
                    trainer.step()  // warm-up
                    var t = 0.0, b = 0.0
                    for _ in 0 ..< epochs {
                        let record = trainer.step()
                        t += record.wallSeconds
                        b += GemmBound.seconds(trainer.epochProducts(record))
                    }
                    epochTimes.append(t / Double(epochs))
                    boundTimes.append(b / Double(epochs))
                }
                let perEpoch = epochTimes.reduce(0, +), bound = boundTimes.reduce(0, +)
                let what = trainer.greedy ? "one epoch of every layer (sum of the layers' epochs)" : "epoch"
                print(String(format: "%@: %.3f s per %@; sgemm alone %.3f s; ratio %.3f",
                             name, perEpoch, what, bound, perEpoch / bound))
                if trainer.greedy {
                    for (l, (t, b)) in zip(epochTimes, boundTimes).enumerated() {
                        print(String(format: "  layer %d: %.3f s per epoch, sgemm %.3f s, ratio %.3f", l + 1, t, b, t / b))
                    }
                }
                print(String(format: "  peak resident memory so far: %.0f MiB", Bench.peakResidentMiB()))
            }
        }
    }
}

/// Times a list of sgemm products alone, on buffers of the same shapes.
enum GemmBound {
    static func seconds(_ products: [FFTrainer.Product]) -> Double {
        var total = 0.0
        for p in products {
            let a = [Float](repeating: 0.5, count: p.m * p.k)
            let b = [Float](repeating: 0.25, count: p.k * p.n)
            var c = [Float](repeating: 0, count: p.m * p.n)
            a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    c.withUnsafeMutableBufferPointer { cp in
                        total += Bench.seconds {
                            Float.gemm(transA: p.transposeA, transB: p.transposeB, m: p.m, n: p.n, k: p.k,
                                       alpha: 1, a: ap.baseAddress!, lda: p.transposeA ? p.m : p.k,
                                       b: bp.baseAddress!, ldb: p.transposeB ? p.k : p.n,
                                       beta: 0, c: cp.baseAddress!, ldc: p.n)
                        }
                    }
                }
            }
        }
        return total
    }
}
