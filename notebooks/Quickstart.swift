import Charts
import Datasets
import Figures
import ForwardForward
import Notebook
import RunStore

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
public let quickstart = Notebook("quickstart", parameters: [
    "epochs": .int(300), "trainSize": .int(2000), "evalSize": .int(1000), "seed": .int(0),
], ranges: ["epochs": .atLeast(1), "trainSize": .between(1, 50_000), "evalSize": .between(1, 10_000), "seed": .atLeast(0)]) {
    //: ## 1. Data
    //: A seeded split of the 60,000 training images into 50,000 and 10,000, then a
    //: seeded subset of `trainSize` for training; pixels standardised with the
    //: training split's statistics (docs/reading.md, "Data").
    Cell("Data") { ctx in
        let data = try ctx.data(.fashionMNIST, seed: UInt64(try ctx.int("seed")),
                                trainSize: try ctx.int("trainSize"), evalSize: try ctx.int("evalSize"))
        ctx.print("training images: \(data.train.count), validation: \(data.validation.count), test: \(data.test.count)")
        ctx.print(String(format: "pixel mean %.4f, sd %.4f; overlay value %.4f", data.mean, data.std, data.overlayValue))
        ctx.save("class_counts", data.train.classCounts.map(Double.init))
    }

    //: ## 2. Baseline FF
    //: Greedy layer-wise training: layer 1 for E/2 full-batch epochs, frozen, then layer 2.
    Cell("Train baseline") { ctx in
        _ = try ctx.load("class_counts", from: "Data")
        var config = FFConfiguration.baseline(.fashionMNIST)
        config.epochs = max(1, try ctx.int("epochs") / 2)
        config.seed = UInt64(try ctx.int("seed"))
        config.evalEvery = max(1, config.epochs / 5)
        config.trainSize = try ctx.int("trainSize")
        config.evalSize = try ctx.int("evalSize")
        let data = try ctx.data(.fashionMNIST, seed: config.seed, trainSize: config.trainSize, evalSize: config.evalSize)
        let run = try ctx.train(config, data: data, as: "baseline")
        ctx.print(String(format: "baseline test accuracy: %.2f%%", 100 * (run.finalPerSample?.test ?? .nan)))
    }

    //: ## 3. AMSGA
    //: Interleaved training with all four components (Algorithm 1).
    Cell("Train AMSGA") { ctx in
        _ = try ctx.load("class_counts", from: "Data")
        var config = FFConfiguration.amsga(.fashionMNIST)
        config.epochs = try ctx.int("epochs")
        config.seed = UInt64(try ctx.int("seed"))
        config.evalEvery = max(1, config.epochs / 10)
        config.trainSize = try ctx.int("trainSize")
        config.evalSize = try ctx.int("evalSize")
        let data = try ctx.data(.fashionMNIST, seed: config.seed, trainSize: config.trainSize, evalSize: config.evalSize)
        let run = try ctx.train(config, data: data, as: "amsga")
        ctx.print(String(format: "AMSGA test accuracy: %.2f%% (per-sample), %.2f%% (batch)",
                         100 * (run.finalPerSample?.test ?? .nan), 100 * (run.finalBatch?.test ?? .nan)))
    }

    //: ## 4. Results
    //: Final accuracies side by side, in both of AMSGA's prediction modes (the
    //: baseline's goodness has no batch term, so its two modes agree).
    Cell("Results") { ctx in
        let runs = [("baseline", try ctx.run("baseline", from: "Train baseline")), ("AMSGA", try ctx.run("amsga", from: "Train AMSGA"))]
        func pct(_ v: Double?) -> String { v.map { String(format: "%.2f%%", 100 * $0) } ?? "—" }
        ctx.table(["method", "layers", "train", "validation", "test (per-sample)", "test (batch)"], runs.map { name, r in
            [name, "\(r.config.layerSizes)", pct(r.finalPerSample?.train), pct(r.finalPerSample?.validation),
             pct(r.finalPerSample?.test), pct(r.finalBatch?.test)]
        })
    }

    //: ## 5. Figures
    //: Every figure is drawn from the HDF5 traces alone; `amsga plot` redraws them.
    Cell("Figures") { ctx in
        let runs = [("baseline", try ctx.run("baseline", from: "Train baseline")), ("amsga", try ctx.run("amsga", from: "Train AMSGA"))]
        for (name, svg) in TraceFigures.all(runs) { try ctx.figure(name, svg: svg) }
        ctx.print("\(TraceFigures.all(runs).count) figures")
    }
}
