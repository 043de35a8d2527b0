import Benchmarks
import Datasets
import ForwardForward
import Notebook
import Tensor

/*:
 # Table V — seconds per epoch, against the sgemm bound

 The paper reports 2.5 s per epoch for the baseline and 2.7 / 2.8 s for AMSGA
 (MNIST / Fashion-MNIST) without naming the hardware. Here each trainer is
 timed on the full 50,000 training images for `epochs` epochs after one
 warm-up epoch, and next to it the time of exactly the same matrix products
 done alone by sgemm, the bound a full-batch FF epoch cannot beat on this
 machine. The baseline is greedy: its two layers' epochs are timed apart and
 summed ("one epoch of every layer"), and its whole run is E epochs of each.

 Timings are of the machine that ran the cell (first cell); they are cached
 like every result, so re-running elsewhere needs `--force`.
 */
struct TimingParameters: NotebookParameters {
    /// Epochs timed per trainer, after one warm-up epoch.
    @Param(.atLeast(1)) var epochs = 3
    /// OpenBLAS threads of the products timed.
    @Param(.between(1, 256)) var threads = 2
}

public let timing = Notebook("timing") { (nb: Cells<TimingParameters>) in
    //: ## 1. Machine
    nb.cell("Machine") { ctx, p in
        BLASInfo.setThreads(p.threads)
        ctx.print(Machine.description())
        ctx.print(BLASInfo.config)
    }

    //: ## 2. MNIST
    let mnist = nb.cell("Time MNIST") { ctx, p in
        try timePresets(ctx, p, TimedPreset.mnist)
    }

    //: ## 3. Fashion-MNIST
    let fashion = nb.cell("Time Fashion-MNIST") { ctx, p in
        try timePresets(ctx, p, TimedPreset.fashionMNIST)
    }

    //: ## 4. Table V
    //: Per epoch (the baseline: one epoch of each layer), the ratio to sgemm
    //: alone, and the time of the paper's whole protocol at this speed.
    nb.cell("Table V") { ctx, _ in
        var rows: [[String]] = []
        for (cell, presets) in [(mnist, TimedPreset.mnist), (fashion, TimedPreset.fashionMNIST)] {
            for preset in presets {
                let v = try ctx.load(preset.tensor, from: cell)  // [per epoch, sgemm bound, epochs of the protocol]
                let whole = v[0] * v[2]
                rows.append([preset.method, preset.dataset, String(format: "%.0f", v[2]), preset.paperTime, String(format: "%.2f s", v[0]),
                             String(format: "%.2f s", v[1]), String(format: "%.2f", v[0] / v[1]),
                             String(format: "%.0f min", whole / 60)])
            }
        }
        ctx.table(["method", "dataset", "epochs", "time / epoch (paper)", "time / epoch (ours)", "sgemm alone",
                   "ratio", "whole protocol (ours)"], rows)
    }

    //: ## 5. A whole protocol, part by part
    //: AMSGA on MNIST as the `mnist` notebook trains it: 1,500 full-batch
    //: epochs on 50,000 images, an evaluation every 50 epochs (the ≤10,000-image
    //: training probe, validation and test), a checkpoint every 10, and one
    //: final evaluation on every image. Each part is timed here and multiplied
    //: by how often the protocol does it: the products inside the epochs, the
    //: Swift kernels (the rest of the epoch), the run file's writes (timed end
    //: to end over one checkpoint interval) and the evaluations, against 1,500
    //: times the same products done alone.
    nb.cell("Protocol breakdown") { ctx, p in
        BLASInfo.setThreads(p.threads)
        var config = FFConfiguration.amsga(.mnist)
        config.threads = p.threads
        let data = try ctx.data(.mnist, seed: 0)  // full validation and test sets: the evaluations are timed
        let t = try EpochTiming.measure(config, data: data, epochs: p.epochs)
        let epochs = Double(config.epochs), evalEvery = 50.0
        let parts: [(String, Double)] = [
            ("products (sgemm inside the epochs)", t.inSitu * epochs),
            ("Swift kernels (the rest of each epoch)", (t.perEpoch - t.inSitu) * epochs),
            ("run-file writes (a checkpoint every 10 epochs)", t.endToEnd.writeSeconds * epochs),
            ("evaluations every 50 epochs (probe, validation, test)", t.probeEvaluationSeconds * (epochs / evalEvery)),
            ("final evaluation (every image)", t.evaluationSeconds),
        ]
        let whole = parts.map(\.1).reduce(0, +), bound = t.bound * epochs
        ctx.table(["part", "seconds", "share of the whole"], parts.map { name, s in
            [name, String(format: "%.0f s", s), String(format: "%.1f%%", 100 * s / whole)]
        } + [["whole protocol", String(format: "%.0f s (%.0f min)", whole, whole / 60), "100%"]])
        ctx.print(String(format: "whole protocol / 1,500 × the products alone (%.0f s): %.3f×; without the evaluations: %.3f×",
                         bound, whole / bound, (whole - parts[3].1 - parts[4].1) / bound))
        ctx.save(TimingTensor.breakdownSeconds, parts.map(\.1))
    }
}

enum TimingTensor {
    static let breakdownSeconds = TensorName("breakdown_seconds")
}

/// A preset timed for Table V, with the paper's time per epoch beside it.
enum TimedPreset: String {
    case baselineMNIST = "baseline-mnist", amsgaMNIST = "amsga-mnist"
    case baselineFashion = "baseline-fashion", amsgaFashion = "amsga-fashion"

    static let mnist: [TimedPreset] = [.baselineMNIST, .amsgaMNIST]
    static let fashionMNIST: [TimedPreset] = [.baselineFashion, .amsgaFashion]

    /// [seconds per epoch, sgemm bound, protocol epochs], saved under the preset's name.
    var tensor: TensorName { TensorName(rawValue) }
    var method: String { self == .baselineMNIST || self == .baselineFashion ? "Baseline FF" : "AMSGA" }
    var dataset: String { TimedPreset.mnist.contains(self) ? "MNIST" : "Fashion-MNIST" }
    var paperTime: String {
        switch self {
        case .baselineMNIST, .baselineFashion: return "2.5 s"
        case .amsgaMNIST: return "2.7 s"
        case .amsgaFashion: return "2.8 s"
        }
    }
}

/// Times each preset and saves [seconds per epoch, sgemm bound, protocol epochs] under its name.
func timePresets(_ ctx: CellContext, _ p: TimingParameters, _ presets: [TimedPreset]) throws {
    BLASInfo.setThreads(p.threads)
    for preset in presets {
        var config = try FFConfiguration.preset(preset.rawValue)
        config.threads = p.threads
        config.evalSize = 1
        let data = try ctx.data(config.dataset, seed: 0, evalSize: 1)
        let t = try EpochTiming.measure(config, data: data, epochs: p.epochs)
        var line = String(format: "%@: %.3f s per epoch, sgemm alone %.3f s, ratio %.3f", preset.rawValue, t.perEpoch, t.bound, t.ratio)
        if t.seconds.count > 1 {
            line += " (layers: " + t.seconds.map { String(format: "%.3f s", $0) }.joined(separator: ", ") + ")"
        }
        ctx.print(line)
        ctx.save(preset.tensor, [t.perEpoch, t.bound, Double(config.epochs)])
    }
}
