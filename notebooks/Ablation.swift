import Datasets
import Figures
import ForwardForward
import Foundation
import Notebook
import RunStore
import Studies

/*:
 # Ablation — each of AMSGA's four components switched off in turn

 The paper states that "all four components contribute meaningfully" but
 prints no ablation table. Here AMSGA (MNIST preset: [784, 600, 600, 500],
 interleaved, Kaiming init, clipping 0.3) is trained with each component off
 in turn, as docs/reading.md defines "off": baseline goodness instead of multi-scale,
 all candidates kept instead of mined, θ = θ0 instead of the adaptive
 threshold, constant η0 instead of warm-up + cosine. Then all four off, and
 the baseline FF for reference (greedy, at Table I's ratio of its epochs per
 layer to AMSGA's epochs: 1000 per layer beside AMSGA's 1500).

 Cell 1 trains one `variant` at one `seed`; it is the cell a sweep runs, one
 point per variant and seed, in parallel or on a cluster:

 ```sh
 amsga sweep ablation -p variant=amsga,no-multi-scale,no-mining,no-adaptive-threshold,no-schedule,all-off,baseline \
     -p seed=0..2 --cell Train --jobs 2
 ```

 Cell 2 reads that grid (AMSGA and the baseline over `seeds` seeds, the five
 ablated variants over `ablationSeeds`), finding cached every point a sweep
 already ran and running the others. Runs on all 50,000 images of seven
 variants over several seeds take days on two cores, so the variants train
 on a seeded subset of `trainSize` images (10,000 by default) for `epochs`
 epochs (by default AMSGA's full 1500: the schedule and curriculum run their
 whole course, p = e/E), evaluated on the first `evalSize` validation and
 test images.
 */
struct AblationParameters: NotebookParameters {
    @Param var variant = AblationVariant.amsga
    @Param(.atLeast(0)) var seed = 0
    @Param(.between(1, 50_000)) var trainSize = 10_000
    @Param(.atLeast(1)) var epochs = 1500
    @Param(.between(1, 10_000)) var evalSize = 5000
    @Param(.atLeast(1)) var seeds = 3
    @Param(.atLeast(1)) var ablationSeeds = 1
    static var replicate: KeyPath<Self, Int>? { \.seed }
}

public let ablation = Notebook("ablation") { (nb: Cells<AblationParameters>) in
    let train = nb.cell("Train") { p in
        var config = p.variant.configuration(epochs: p.epochs)
        config.trainSize = p.trainSize
        config.evalSize = p.evalSize
        config.seed = UInt64(p.seed)
        config.evalEvery = max(1, config.epochs / 4)  // few evaluations: on a subset they cost as much as training
        return config
    } run: { ctx, p, config in
        let data = try ctx.data(.mnist, seed: config.seed, trainSize: config.trainSize, evalSize: config.evalSize)
        let run = try ctx.train(config, data: data, as: "\(p.variant.rawValue)-s\(config.seed)")
        ctx.print("\(p.variant.rawValue) seed \(config.seed): test \(pct(run.finalPerSample?.test)) per-sample, \(pct(run.finalBatch?.test)) batch")
    }

    //: ## 2. Ablation table
    //: Final test accuracy per seed and mean ± standard deviation over the seeds
    //: (sample standard deviation, n − 1), in both prediction modes, and the
    //: change against full AMSGA; then AMSGA − baseline paired by seed, with
    //: its 95% interval.
    nb.cell("Table") { ctx, p in
        let variants = try ablationGrid(ctx, p, train)
        let full = variants.first!.testPerSample
        ctx.table(["variant", "seeds", "train", "test (per-sample)", "per seed", "test (batch)", "Δ test vs AMSGA (points)"],
                  variants.map { v in
                      let train = v.runs.map { $0.run.finalPerSample?.train ?? .nan }
                      let ps = v.testPerSample
                      return [v.variant.label, "\(v.runs.count)", meanSD(train), meanSD(ps), ps.map { pct($0) }.joined(separator: ", "),
                              meanSD(v.testBatch), String(format: "%+.2f", 100 * (SeedFigures.mean(ps) - SeedFigures.mean(full)))]
                  })
        for v in variants { ctx.save("test_per_sample/\(v.variant.rawValue)", v.testPerSample) }

        ctx.print("\nAMSGA and the baseline FF at the same seeds (a seed fixes the subset, the split, the initialisation and the draws):\n")
        let runs = { (v: AblationVariant) in variants.first { $0.variant == v }!.runs.map(\.run) }
        SeedComparison(seeds: Array(0 ..< p.seeds),
                           baseline: (.init("baseline FF", run: AblationVariant.baseline.rawValue), runs(.baseline)),
                           method: (.init("AMSGA", run: AblationVariant.amsga.rawValue), runs(.amsga))).table(ctx)
    }

    //: ## 3. Figures
    //: Test accuracy during training and at the end, mean ± sd over seeds per
    //: variant; `amsga plot --seeds` redraws both from the traces.
    nb.cell("Figures") { ctx, p in
        let runs = try ablationGrid(ctx, p, train).flatMap { v in v.runs.map { (label: $0.name, run: $0.run) } }
        for (name, svg) in SeedFigures.all(runs) { try ctx.figure(name, svg: svg) }
        ctx.print("figures: accuracy-seeds.svg, final-accuracy-seeds.svg")
    }
}

/// The variants of the ablation, in the table's order.
enum AblationVariant: String, CaseIterable, ParameterType {
    case amsga, noMultiScale = "no-multi-scale", noMining = "no-mining", noAdaptiveThreshold = "no-adaptive-threshold"
    case noSchedule = "no-schedule", allOff = "all-off", baseline

    var label: String {
        switch self {
        case .amsga: return "AMSGA (all four)"
        case .noMultiScale: return "− multi-scale goodness"
        case .noMining: return "− negative mining"
        case .noAdaptiveThreshold: return "− adaptive threshold"
        case .noSchedule: return "− LR schedule"
        case .allOff: return "all four off"
        case .baseline: return "baseline FF"
        }
    }

    /// AMSGA's MNIST preset with this variant's components off; the baseline
    /// preset with its epochs per layer scaled as Table I scales them
    /// (1000 per layer beside AMSGA's 1500).
    func configuration(epochs: Int) -> FFConfiguration {
        if self == .baseline {
            var c = FFConfiguration.baseline(.mnist)
            c.epochs = max(1, epochs * c.epochs / FFConfiguration.amsga(.mnist).epochs)
            return c
        }
        var c = FFConfiguration.amsga(.mnist)
        c.epochs = epochs
        c.multiScaleGoodness = ![.noMultiScale, .allOff].contains(self)
        c.negativeMining = ![.noMining, .allOff].contains(self)
        c.adaptiveThreshold = ![.noAdaptiveThreshold, .allOff].contains(self)
        c.learningRateSchedule = ![.noSchedule, .allOff].contains(self)
        return c
    }

    /// The variants the table compares over `seeds` seeds; the others get `ablationSeeds`.
    var isReference: Bool { self == .amsga || self == .baseline }
}

/// Every variant's runs at its seeds, read from the training cell through a sweep.
func ablationGrid(_ ctx: CellContext, _ p: AblationParameters, _ train: CellRef<AblationParameters>) throws -> [VariantRuns<AblationVariant>] {
    try ctx.variantRuns(train, variant: \.variant, seed: \.seed, seeds: { $0.isReference ? p.seeds : p.ablationSeeds })
}
