import ArgumentParser
import ForwardForward
import Foundation
import HDF5
import Notebook
import RunStore

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Summarise a run file (parameters, provenance, epochs traced, last checkpoint, accuracies) or a notebook cell's state file.")
    @Argument(
        help: "An HDF5 file written by `amsga train --out`, or a cell state file (outputs/<notebook>/cache/<NN-cell>/<key>/state.h5).")
    var file: String
    @Option(
        help:
            "Also write the run without its checkpoints (provenance, configuration, trace, final accuracies) to this file: small enough to commit, and all `amsga plot` needs."
    )
    var writeTrace: String?

    func validate() throws {
        if let t = writeTrace, (t as NSString).standardizingPath == (file as NSString).standardizingPath {
            throw ValidationError("--write-trace \(t) would replace the run file it reads")
        }
    }

    func run() throws {
        if CellFileSummary.isCellFile(file) {
            if writeTrace != nil { throw ValidationError("--write-trace needs a run file; \(file) is a cell state file") }
            return try inspectCell()
        }
        let r = try RunFile.read(path: file)
        let c = r.config
        let total = c.order == .greedy ? c.epochs * c.weightLayerCount : c.epochs
        print("\(file): \(r.attributes["format"]?.string ?? "?") v\(r.attributes["format_version"]?.int ?? 0), complete")
        for key in ["created", "git_commit", "swift_version", "hdf5_version", "openblas"] {
            print("  \(key): \(r.attributes[key]?.string ?? "?")")
        }
        print("run \(r.run): \(c.order.rawValue), layers \(c.layerSizes), \(c.dataset.rawValue), seed \(c.seed)")
        print(
            "  components: multi-scale \(c.multiScaleGoodness), mining \(c.negativeMining), "
                + "adaptive θ \(c.adaptiveThreshold), schedule \(c.learningRateSchedule)")
        let lossAndDraw = (c.lossSharpness.map { ", loss κ \($0)" } ?? "") + (c.negativeScoreScale.map { ", negatives' β \($0)" } ?? "")
        let decay =
            (c.learningRateDecay.map { ", \($0.rawValue) decay" } ?? "") + (c.weightDecay.map { ", weight decay \($0)" } ?? "")
            + (c.peerNormalisation.map { ", peer normalisation ρ \($0)" } ?? "")
            + (c.optimiser.map { ", optimiser \($0.rawValue)" } ?? "")
            + (c.inputNormalisation.map { ", inputs \($0.rawValue)" } ?? "")
        let batches = c.batchSize.map { ", minibatches of \($0)" } ?? ", full batch"
        print(
            "  θ0 \(c.theta0)\(lossAndDraw), η0 \(c.learningRate)\(decay)\(batches), clip \(c.clipNorm.map { String($0) } ?? "none"), init \(c.initialisation.rawValue)"
        )
        print("  steps traced: \(r.trace.count) of \(total)")
        if let ck = r.checkpoint { print("  last checkpoint: step \(ck.stepsDone)") } else { print("  no checkpoint") }
        if let last = r.trace.last(where: { !$0.accuracyPerSample.validation.isNaN }) {
            print(
                String(
                    format: "  last evaluation (step %d): validation %.2f%% per-sample, %.2f%% batch",
                    last.epoch, 100 * last.accuracyPerSample.validation, 100 * last.accuracyBatch.validation))
        }
        if let ps = r.finalPerSample, let bt = r.finalBatch {
            print(
                String(
                    format: "  final (per-sample): train %.2f%%  validation %.2f%%  test %.2f%%", 100 * ps.train, 100 * ps.validation,
                    100 * ps.test))
            print(
                String(
                    format: "  final (batch):      train %.2f%%  validation %.2f%%  test %.2f%%", 100 * bt.train, 100 * bt.validation,
                    100 * bt.test))
        } else {
            print("  no final accuracies (the run has not finished)")
        }
        if let out = writeTrace {
            try RunFile.writeTraceOnly(r, to: out)
            print("trace written to \(out) (\(r.trace.count) steps, no checkpoints)")
        }
    }

    func inspectCell() throws {
        let c = try CellFileSummary.read(path: file)
        let s = c.state
        print("\(file): cell \(c.cell) '\(c.cellName)' of notebook \(c.notebook), complete")
        print("  ran at \(s.ranAt) for \(String(format: "%.1f", s.seconds)) s; key \(s.key.prefix(12))…")
        print(
            "  parameters read: "
                + (s.parameters.isEmpty
                    ? "none" : s.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")))
        if !s.reads.isEmpty { print("  cells read: " + s.reads.keys.sorted().map { "\($0 + 1)" }.joined(separator: ", ")) }
        if !s.data.isEmpty { print("  data read: " + s.data.keys.sorted().joined(separator: ", ")) }
        if !s.libraries.isEmpty { print("  libraries keyed: " + s.libraries.keys.sorted().joined(separator: ", ")) }
        for (name, shape) in c.tensors { print("  tensor \(name) \(shape)") }
        if !s.runs.isEmpty { print("  runs: " + s.runs.joined(separator: ", ")) }
        if !s.figures.isEmpty { print("  figures: " + s.figures.joined(separator: ", ")) }
        let output = s.output.trimmingCharacters(in: .newlines)
        if !output.isEmpty {
            print(
                "  output:\n" + output.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n"))
        }
    }
}
