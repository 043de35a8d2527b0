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
public let timing = Notebook("timing", parameters: ["epochs": .int(3), "threads": .int(2)],
                             ranges: ["epochs": .atLeast(1), "threads": .between(1, 256)]) {
    //: ## 1. Machine
    Cell("Machine") { ctx in
        BLASInfo.setThreads(try ctx.int("threads"))
        ctx.print(Machine.description())
        ctx.print(BLASInfo.config)
    }

    //: ## 2. MNIST
    Cell("Time MNIST") { ctx in
        try timePresets(ctx, ["baseline-mnist", "amsga-mnist"])
    }

    //: ## 3. Fashion-MNIST
    Cell("Time Fashion-MNIST") { ctx in
        try timePresets(ctx, ["baseline-fashion", "amsga-fashion"])
    }

    //: ## 4. Table V
    //: Per epoch (the baseline: one epoch of each layer), the ratio to sgemm
    //: alone, and the time of the paper's whole protocol at this speed.
    Cell("Table V") { ctx in
        let paper = ["baseline-mnist": ("Baseline FF", "MNIST", "2.5 s"), "amsga-mnist": ("AMSGA", "MNIST", "2.7 s"),
                     "baseline-fashion": ("Baseline FF", "Fashion-MNIST", "2.5 s"), "amsga-fashion": ("AMSGA", "Fashion-MNIST", "2.8 s")]
        var rows: [[String]] = []
        for (cell, presets) in [("Time MNIST", ["baseline-mnist", "amsga-mnist"]), ("Time Fashion-MNIST", ["baseline-fashion", "amsga-fashion"])] {
            for name in presets {
                let v = try ctx.load(name, from: cell)  // [per epoch, sgemm bound, epochs of the protocol]
                let (method, dataset, paperTime) = paper[name]!
                let whole = v[0] * v[2]
                rows.append([method, dataset, String(format: "%.0f", v[2]), paperTime, String(format: "%.2f s", v[0]),
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
    Cell("Protocol breakdown") { ctx in
        let threads = try ctx.int("threads")
        BLASInfo.setThreads(threads)
        var config = FFConfiguration.amsga(.mnist)
        config.threads = threads
        let data = try ctx.data(.mnist, seed: 0)  // full validation and test sets: the evaluations are timed
        let t = try EpochTiming.measure(config, data: data, epochs: try ctx.int("epochs"))
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
        ctx.save("breakdown_seconds", parts.map(\.1))
    }
}

/// Times each preset and saves [seconds per epoch, sgemm bound, protocol epochs] under its name.
func timePresets(_ ctx: CellContext, _ presets: [String]) throws {
    BLASInfo.setThreads(try ctx.int("threads"))
    for name in presets {
        var config = try FFConfiguration.preset(name)
        config.threads = try ctx.int("threads")
        config.evalSize = 1
        let data = try ctx.data(config.dataset, seed: 0, evalSize: 1)
        let t = try EpochTiming.measure(config, data: data, epochs: try ctx.int("epochs"))
        var line = String(format: "%@: %.3f s per epoch, sgemm alone %.3f s, ratio %.3f", name, t.perEpoch, t.bound, t.ratio)
        if t.seconds.count > 1 {
            line += " (layers: " + t.seconds.map { String(format: "%.3f s", $0) }.joined(separator: ", ") + ")"
        }
        ctx.print(line)
        ctx.save(name, [t.perEpoch, t.bound, Double(config.epochs)])
    }
}
