import Charts
import Datasets
import Figures
import ForwardForward
import Notebook
import RunStore
import Studies

/*:
 # Quickstart — baseline FF and AMSGA on Fashion-MNIST

 A short protocol of the paper's experiment (Section III-F): baseline
 Forward-Forward ([784, 500, 500], greedy, θ = 2.0, Adam 0.03) against AMSGA
 ([784, 700, 700, 600], interleaved, multi-scale goodness, curriculum negative
 mining, adaptive thresholds, warm-up + cosine learning rate), both on a seeded
 subset of Fashion-MNIST, which Debian packages. The full protocol (1500 and
 2500 epochs on 50,000 images) is the `fashion-mnist` notebook; here every
 number is small enough to run in minutes on two cores.

 Parameters: `epochs` (AMSGA's; the baseline trains each of its two layers for
 half as many, so both see the same number of layer updates), `trainSize`, `seed`.
 */
struct QuickstartParameters: NotebookParameters {
    @Param(.atLeast(1)) var epochs = 300
    @Param(.between(1, 50_000)) var trainSize = 2000
    @Param(.between(1, 10_000)) var evalSize = 1000
    @Param(.atLeast(0)) var seed = 0
    static var replicate: KeyPath<Self, Int>? { \.seed }
}

public let quickstart = Notebook("quickstart") { (nb: Cells<QuickstartParameters>) in
    //: ## 1. Data
    //: A seeded split of the 60,000 training images into 50,000 and 10,000, then a
    //: seeded subset of `trainSize` for training; pixels standardised with the
    //: training split's statistics (docs/reading.md, "Data").
    let split = nb.cell("Data") { ctx, p in
        let data = try ctx.data(.fashionMNIST, seed: UInt64(p.seed), trainSize: p.trainSize, evalSize: p.evalSize)
        ctx.print("training images: \(data.train.count), validation: \(data.validation.count), test: \(data.test.count)")
        ctx.print(String(format: "pixel mean %.4f, sd %.4f; overlay value %.4f", data.mean, data.std, data.overlayValue))
        ctx.save(classCounts, data.train.classCounts.map(Double.init))
    }

    //: ## 2. Baseline FF
    //: Greedy layer-wise training: layer 1 for E/2 full-batch epochs, frozen, then layer 2.
    let trainBaseline = nb.cell("Train baseline") { p in
        var config = FFConfiguration.baseline(.fashionMNIST)
        config.epochs = max(1, p.epochs / 2)
        config.seed = UInt64(p.seed)
        config.evalEvery = max(1, config.epochs / 5)
        config.trainSize = p.trainSize
        config.evalSize = p.evalSize
        return config
    } run: { ctx, _, config in
        _ = try ctx.load(classCounts, from: split)
        let data = try ctx.data(.fashionMNIST, seed: config.seed, trainSize: config.trainSize, evalSize: config.evalSize)
        let run = try ctx.train(config, data: data, as: "baseline")
        ctx.print(String(format: "baseline test accuracy: %.2f%%", 100 * (run.finalPerSample?.test ?? .nan)))
    }

    //: ## 3. AMSGA
    //: Interleaved training with all four components (Algorithm 1).
    let trainAMSGA = nb.cell("Train AMSGA") { p in
        var config = FFConfiguration.amsga(.fashionMNIST)
        config.epochs = p.epochs
        config.seed = UInt64(p.seed)
        config.evalEvery = max(1, config.epochs / 10)
        config.trainSize = p.trainSize
        config.evalSize = p.evalSize
        return config
    } run: { ctx, _, config in
        _ = try ctx.load(classCounts, from: split)
        let data = try ctx.data(.fashionMNIST, seed: config.seed, trainSize: config.trainSize, evalSize: config.evalSize)
        let run = try ctx.train(config, data: data, as: "amsga")
        ctx.print(String(format: "AMSGA test accuracy: %.2f%% (per-sample), %.2f%% (batch)",
                         100 * (run.finalPerSample?.test ?? .nan), 100 * (run.finalBatch?.test ?? .nan)))
    }

    //: ## 4. Results
    //: Final accuracies side by side, in both of AMSGA's prediction modes (the
    //: baseline's goodness has no batch term, so its two modes agree).
    nb.cell("Results") { ctx, _ in
        let runs = [("baseline", try ctx.run(from: trainBaseline)), ("AMSGA", try ctx.run(from: trainAMSGA))]
        ctx.table(["method", "layers", "train", "validation", "test (per-sample)", "test (batch)"], runs.map { name, r in
            [name, "\(r.config.layerSizes)", pct(r.finalPerSample?.train), pct(r.finalPerSample?.validation),
             pct(r.finalPerSample?.test), pct(r.finalBatch?.test)]
        })
    }

    //: ## 5. Figures
    //: Every figure is drawn from the HDF5 traces alone; `amsga plot` redraws them.
    nb.cell("Figures") { ctx, _ in
        let runs = [("baseline", try ctx.run(from: trainBaseline)), ("amsga", try ctx.run(from: trainAMSGA))]
        for (name, svg) in TraceFigures.all(runs) { try ctx.figure(name, svg: svg) }
        ctx.print("\(TraceFigures.all(runs).count) figures")
    }
}

/// The training split's images per class, which the Data cell hands on.
let classCounts = TensorName("class_counts")
