import ArgumentParser
import Benchmarks
import Datasets
import Foundation

extension Bench {
    struct Memory: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Memory a few training steps add to the loaded data (run one method per process).",
            discussion: "Prints one line: method, data MiB, peak MiB, training MiB (with --json, the result as JSON). "
                + "The backprop notebook runs it once per method through MemoryProbe.")
        @Option(help: "ff, backprop (the MLP) or cnn.") var method: String
        @Option(help: "FF preset (with --method ff).") var preset: String = "amsga-mnist"
        @Option(help: "Dataset for backprop: mnist or fashion-mnist.") var dataset: String = "mnist"
        @Option(parsing: .unconditional, help: "Backprop images per step (50000: full batch, as FF).") var batch: Int = 100
        @Option(parsing: .unconditional, help: "Steps to run.") var steps: Int = 2
        @Option(parsing: .unconditional, help: "OpenBLAS threads.") var threads: Int = 2
        @Flag(help: "Print the result as one JSON object (what MemoryProbe reads).") var json = false
        @OptionGroup var data: DataOptions

        /// The probe these options describe.
        func probe() throws -> MemoryProbe {
            guard let m = TrainingMemory.Method(rawValue: method) else {
                throw ValidationError("--method must be one of \(TrainingMemory.Method.allCases.map(\.rawValue)), got '\(method)'")
            }
            guard let d = DatasetName(rawValue: dataset) else { throw ValidationError("unknown --dataset '\(dataset)'") }
            guard steps > 0 else { throw ValidationError("--steps must be positive, got \(steps)") }
            guard batch > 0 else { throw ValidationError("--batch must be positive, got \(batch)") }
            try validateThreads(threads)
            return MemoryProbe(method: m, preset: preset, dataset: d, batch: batch, steps: steps, threads: threads)
        }

        func validate() throws { _ = try probe() }

        func run() throws {
            let probe = try probe()
            let result = try probe.measure(locator: DataLocator(explicit: data.directory))
            if json {
                print(String(decoding: try JSONEncoder().encode(result), as: UTF8.self))
            } else {
                print(
                    String(
                        format: "%@ data %.1f MiB peak %.1f MiB training %.1f MiB", probe.label, result.dataMiB, result.peakMiB,
                        result.trainingMiB))
            }
        }
    }
}
