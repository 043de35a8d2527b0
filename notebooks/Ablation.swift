import Datasets
import Figures
import Foundation
import ForwardForward
import Notebook
import RunStore

/*:
 # Ablation — each of AMSGA's four components switched off in turn

 The paper states that "all four components contribute meaningfully" but
 prints no ablation table. Here AMSGA (MNIST preset: [784, 600, 600, 500],
 interleaved, Kaiming init, clipping 0.3) is trained with each component off
 in turn, as the spec defines "off": baseline goodness instead of multi-scale,
 all candidates kept instead of mined, θ = θ0 instead of the adaptive
 threshold, constant η0 instead of warm-up + cosine. Then all four off, and
 the baseline FF for reference (greedy, E/2 epochs per layer, so that it
 makes as many layer updates as AMSGA).

 Full-protocol runs of seven variants over several seeds would take days on
 two cores, so this ablation runs on a seeded subset of `trainSize` training
 images for `epochs` epochs (the schedule and curriculum run their whole
 course, p = e/E), evaluated on the first `evalSize` validation and test
 images. AMSGA and the baseline run `seeds` seeds (0, 1, …), the five
 ablated variants `ablationSeeds`: what the budget allowed. Each variant is its
 own cell, so one can be re-run alone.
 */
public let ablation = Notebook("ablation", parameters: [
    "trainSize": .int(2000), "epochs": .int(300), "evalSize": .int(5000), "seeds": .int(3), "ablationSeeds": .int(1),
]) {
    //: ## 1. AMSGA, all four components
    Cell("AMSGA") { ctx in
        try trainVariant(ctx, "amsga") { _ in }
    }

    //: ## 2. Without multi-scale goodness
    //: Goodness is the baseline's mean of squares g_local (eq. 1) in every layer.
    Cell("No multi-scale goodness") { ctx in
        try trainVariant(ctx, "no-multi-scale", seeds: "ablationSeeds") { $0.multiScaleGoodness = false }
    }

    //: ## 3. Without negative mining
    //: Every candidate negative is kept (still a new label permutation each epoch).
    Cell("No negative mining") { ctx in
        try trainVariant(ctx, "no-mining", seeds: "ablationSeeds") { $0.negativeMining = false }
    }

    //: ## 4. Without adaptive thresholds
    //: θ = θ0 for every layer at every epoch (eq. 11 off).
    Cell("No adaptive threshold") { ctx in
        try trainVariant(ctx, "no-adaptive-threshold", seeds: "ablationSeeds") { $0.adaptiveThreshold = false }
    }

    //: ## 5. Without the learning-rate schedule
    //: Constant η0 (eq. 12–13 off).
    Cell("No schedule") { ctx in
        try trainVariant(ctx, "no-schedule", seeds: "ablationSeeds") { $0.learningRateSchedule = false }
    }

    //: ## 6. All four off
    //: AMSGA's architecture, interleaved order, Kaiming init, clipping and
    //: separate-means loss, without any of the four components.
    Cell("All four off") { ctx in
        try trainVariant(ctx, "all-off", seeds: "ablationSeeds") {
            $0.multiScaleGoodness = false
            $0.negativeMining = false
            $0.adaptiveThreshold = false
            $0.learningRateSchedule = false
        }
    }

    //: ## 7. Baseline FF
    //: The baseline preset on the same subset, E/2 epochs per layer.
    Cell("Baseline FF") { ctx in
        try trainVariant(ctx, "baseline", from: .baseline(.mnist)) { $0.epochs = max(1, $0.epochs / 2) }
    }

    //: ## 8. Ablation table
    //: Final test accuracy, mean ± standard deviation over the seeds (sample
    //: standard deviation, n − 1), in both prediction modes, and the change
    //: against full AMSGA.
    Cell("Table") { ctx in
        let variants = try ablationVariants(ctx)
        let full = variants.first!.runs.map { $0.finalPerSample?.test ?? .nan }
        ctx.table(["variant", "seeds", "train", "test (per-sample)", "test (batch)", "Δ test vs AMSGA (points)"],
                  variants.map { v in
                      let train = v.runs.map { $0.finalPerSample?.train ?? .nan }
                      let ps = v.runs.map { $0.finalPerSample?.test ?? .nan }
                      let bt = v.runs.map { $0.finalBatch?.test ?? .nan }
                      return [v.label, "\(v.runs.count)", meanSD(train), meanSD(ps), meanSD(bt),
                              String(format: "%+.2f", 100 * (SeedFigures.mean(ps) - SeedFigures.mean(full)))]
                  })
        for v in variants { ctx.save("test_per_sample/\(v.name)", v.runs.map { $0.finalPerSample?.test ?? .nan }) }
    }

    //: ## 9. Figures
    //: Test accuracy during training and at the end, mean ± sd over seeds per
    //: variant; `amsga plot --seeds` redraws both from the traces.
    Cell("Figures") { ctx in
        let runs = try ablationVariants(ctx).flatMap { v in v.runs.enumerated().map { (label: "\(v.name)-s\($0.offset)", run: $0.element) } }
        for (name, svg) in SeedFigures.all(runs) { try ctx.figure(name, svg: svg) }
        ctx.print("figures: accuracy-seeds.svg, final-accuracy-seeds.svg")
    }
}

/// Trains `configure(preset)` on the subset for every seed, as runs "<name>-s<seed>".
func trainVariant(_ ctx: CellContext, _ name: String, seeds parameter: String = "seeds",
                  from preset: FFConfiguration = .amsga(.mnist), _ configure: (inout FFConfiguration) -> Void) throws {
    let seeds = try ctx.int(parameter)
    for seed in 0 ..< seeds {
        var config = preset
        config.epochs = try ctx.int("epochs")
        config.trainSize = try ctx.int("trainSize")
        config.evalSize = try ctx.int("evalSize")
        config.seed = UInt64(seed)
        configure(&config)
        config.evalEvery = max(1, config.epochs / 4)  // few evaluations: on a subset they cost as much as training
        let data = try ctx.data(.mnist, seed: config.seed, trainSize: config.trainSize, evalSize: config.evalSize)
        let run = try ctx.train(config, data: data, as: "\(name)-s\(seed)")
        ctx.print("\(name) seed \(seed): test \(pct(run.finalPerSample?.test)) per-sample, \(pct(run.finalBatch?.test)) batch")
    }
}

/// Every variant's runs, in the cells' order.
func ablationVariants(_ ctx: CellContext) throws -> [(label: String, name: String, runs: [RunContents])] {
    let cells = [("AMSGA (all four)", "amsga", "AMSGA", "seeds"),
                 ("− multi-scale goodness", "no-multi-scale", "No multi-scale goodness", "ablationSeeds"),
                 ("− negative mining", "no-mining", "No negative mining", "ablationSeeds"),
                 ("− adaptive threshold", "no-adaptive-threshold", "No adaptive threshold", "ablationSeeds"),
                 ("− LR schedule", "no-schedule", "No schedule", "ablationSeeds"),
                 ("all four off", "all-off", "All four off", "ablationSeeds"), ("baseline FF", "baseline", "Baseline FF", "seeds")]
    return try cells.map { label, name, cell, seeds in
        (label, name, try (0 ..< ctx.int(seeds)).map { try ctx.run("\(name)-s\($0)", from: cell) })
    }
}

/// "93.12 ± 0.40%" (percent), or one value when there is one seed.
func meanSD(_ v: [Double]) -> String {
    v.count > 1 ? String(format: "%.2f ± %.2f%%", 100 * SeedFigures.mean(v), 100 * SeedFigures.sd(v)) : pct(v.first)
}
