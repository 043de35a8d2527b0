import Charts
import Datasets
import ForwardForward
import Foundation
import Notebook
import RunStore
import Studies

/*:
 # Readings — could another reading of the paper give its result, and which open choice decides it?

 AMSGA does not reproduce under the project's reading of the paper
 (`docs/reading.md`): Table I's AMSGA − baseline is −1.97 points over three
 seeds. Eight choices that the paper leaves open, or states in a way another
 reading allows, are screened here at once, each at two levels: "−" is the
 project's reading, "+" the strongest alternative the text allows.

 | | factor | − (the project's reading) | + (the alternative) |
 |---|---|---|---|
 | A | negatives | a permutation of the labels (~10% keep the true one) | the true label excluded |
 | B | loss | positives' and negatives' means added | one mean over both, concatenated |
 | C | mining score | the first layer's goodness (Algorithm 1) | every layer's goodness summed |
 | D | mining threshold | θ0, as Algorithm 1 passes it | θ(1, p), the first layer's adaptive θ |
 | E | initialisation | Kaiming normal (stated) | U(±1/√fan_in), the baseline's |
 | F | eq. 4's g_global in training | over the batch, literally | the sample's own g_local |
 | G | l/L in eq. 5 and 11 | d_l = (l − 1)/(L − 1), which gives the stated weights | l/L as printed |
 | H | clipping | global L2 norm 0.3 per layer (stated) | none |

 Left out: negatives drawn once instead of every epoch, because Algorithm 1
 draws `shuffle(y)` inside the epoch loop, so that reading contradicts the text.

 The design is a 2^(8−4) fractional factorial of resolution IV with generators
 E = BCD, F = ACD, G = ABC, H = ABD: 16 runs, every main effect free of
 two-factor interactions (cell 1 prints the alias structure). Each run is
 AMSGA's MNIST preset on a seeded subset of `trainSize` = 10,000 training
 images for the full `epochs` = 1500 (the schedule and curriculum run their
 whole course), tested on all 10,000 test images, at seed 0. The best and
 worst of the 16 are repeated at seeds 1 … `replicateSeeds` − 1 to measure
 the spread between seeds, which gives each main effect its 95% interval; the
 baseline FF at the same size and seeds is the line to beat.

 Cell 2 trains one point; a sweep runs the design in parallel or on a cluster:

 ```sh
 amsga sweep readings -p reading=--------,+------+,... -p seed=0 --cell Train
 ```

 `reading` is eight signs, one per factor in the order A … H.
 */
struct ReadingsParameters: NotebookParameters {
    @Param var method = ReadingsMethod.amsga
    @Param var reading = Reading.project
    @Param var dataset = DatasetName.mnist
    @Param(.atLeast(0)) var seed = 0
    @Param(.between(1, 50_000)) var trainSize = 10_000
    /// AMSGA's epochs on MNIST; every other run scales its preset's epochs by the same ratio.
    @Param(.atLeast(1)) var epochs = 1500
    @Param(.between(2, 20)) var replicateSeeds = 3
    @Param(.atLeast(2)) var confirmationSeeds = 3
    static var replicate: KeyPath<Self, Int>? { \.seed }
}

public let readings = Notebook("readings") { (nb: Cells<ReadingsParameters>) in
    //: ## 1. The design
    //: The 16 runs in standard order, the defining relation and what each
    //: effect shares its column with.
    nb.cell("Design") { ctx, _ in
        let d = ReadingFactor.design
        ctx.table(["", "factor", "−", "+"], ReadingFactor.allCases.map { [$0.letter, $0.label, $0.low, $0.high] })
        ctx.print("\n2^(8−4), resolution \(["III", "IV", "V", "VI"][max(0, min(3, d.resolution - 3))]): E = BCD, F = ACD, G = ABC, H = ABD; \(d.runCount) runs.")
        ctx.print("Defining relation: I = " + d.definingWords.map { FractionalFactorial.name($0, letters: ReadingFactor.letters) }.joined(separator: " = "))
        ctx.print("Main effects share their column with three-factor interactions and longer only:")
        for f in ReadingFactor.allCases {
            let aliases = d.aliases(of: f.mask, upToOrder: 3).map { FractionalFactorial.name($0, letters: ReadingFactor.letters) }
            ctx.print("  \(f.letter) = " + aliases.joined(separator: " = "))
        }
        ctx.print("Two-factor interactions, in 7 chains that share a column (not separated by this design):")
        for chain in d.twoFactorChains { ctx.print("  " + chain.map { FractionalFactorial.name($0, letters: ReadingFactor.letters) }.joined(separator: " = ")) }
        ctx.table(["run"] + ReadingFactor.letters + ["reading"],
                  d.matrix.enumerated().map { i, row in ["\(i + 1)"] + row.map { $0 > 0 ? "+" : "−" } + [Reading(levels: row).description] })
        ctx.save("design", d.matrix.flatMap { $0.map(Double.init) }, shape: [d.runCount, 8], dims: ["run", "factor"])
        ctx.print("\nTo train the 16 runs first (in parallel with --jobs, or on a cluster with --slurm):\n"
            + "amsga sweep readings -p reading=" + d.matrix.map { Reading(levels: $0).description }.joined(separator: ",") + " --cell Train")
    }

    //: ## 2. One run
    //: AMSGA under one `reading`, or the baseline FF (which has none of the
    //: factors), on `dataset` at `seed`, tested on the whole test set.
    let train = nb.cell("Train") { p in
        // The baseline has none of the factors: its key does not read `reading`.
        p.method.configuration(p.dataset, reading: p.method == .amsga ? p.reading : .project, epochs: p.epochs,
                               trainSize: p.trainSize, seed: p.seed)
    } run: { ctx, p, config in
        let data = try ctx.data(config.dataset, seed: config.seed, trainSize: config.trainSize)
        let run = try ctx.train(config, data: data, as: p.method.rawValue)
        ctx.print("\(p.method == .baseline ? "baseline FF" : "AMSGA \(p.reading)") on \(p.dataset.label), seed \(config.seed): "
            + "test \(pct(run.finalPerSample?.test)) per-sample, \(pct(run.finalBatch?.test)) batch")
    }

    //: ## 3. The screen
    //: Every run's final test accuracy (per-sample goodness, the response),
    //: the replicated corners, and each factor's main effect: the mean over
    //: the eight runs at + minus the mean over the eight at −, in points. Its
    //: 95% interval is ± t(0.975, df) · 2s/√16, with s the standard deviation
    //: between seeds pooled over the two replicated corners (df = their runs
    //: less one each). It covers the variation between seeds, not a
    //: two-factor interaction aliased with nothing here.
    let screen = nb.cell("Screen") { ctx, p in
        let s = try ReadingScreen(ctx, p, train)
        ctx.table(["run", "reading", "train", "test (per-sample)", "test (batch)"],
                  s.design.enumerated().map { i, r in
                      ["\(i + 1)", r.reading.description, pct(r.run.finalPerSample?.train), pct(r.run.finalPerSample?.test), pct(r.run.finalBatch?.test)]
                  })
        ctx.print("\nReplicated corners (test per-sample, %, at seeds 0 …):\n")
        ctx.table(["corner", "reading", "per seed", "mean ± sd"],
                  s.replicates.map { c in [c.label, c.reading.description, c.values.map { String(format: "%.2f", $0) }.joined(separator: ", "), meanSD(c.values.map { $0 / 100 })] })
        ctx.print(String(format: "\nPooled sd between seeds: %.3f points (%d df); a main effect's standard error %.3f points.", s.sd, s.df, s.standardError))
        ctx.print("\nMain effects on test accuracy (per-sample, points; + minus −):\n")
        ctx.table(["", "factor", "effect", "95% interval", "better level"],
                  ReadingFactor.allCases.map { f in
                      let e = s.effects[f.rawValue]
                      return [f.letter, f.label, String(format: "%+.2f", e), String(format: "[%+.2f, %+.2f]", e - s.halfWidth, e + s.halfWidth),
                              abs(e) > s.halfWidth ? (e > 0 ? "+ " + f.high : "− " + f.low) : "neither (interval covers 0)"]
                  })
        ctx.print("\nThe baseline FF at the same size and seeds, the line to beat: test \(meanSD(s.baseline.map { $0.finalPerSample?.test ?? .nan })) "
            + "(\(s.baseline.count) seeds). The project's reading (run 1): \(pct(s.design[0].run.finalPerSample?.test)); "
            + "the best run (\(s.best.description)): \(String(format: "%.2f%%", s.response.max() ?? .nan)).")
        ctx.save(ReadingTensor.response, s.response, dims: ["run"], units: "%")
        ctx.save(ReadingTensor.effects, s.effects, dims: ["factor"], units: "percentage points")
        ctx.save(ReadingTensor.halfWidth, [s.halfWidth], units: "percentage points")
    }

    //: ## 4. Main-effects figure
    nb.cell("Figure") { ctx, p in
        let effects = try ctx.load(ReadingTensor.effects, from: screen)
        let halfWidth = try ctx.load(ReadingTensor.halfWidth, from: screen)[0]
        let chart = DotChart(
            title: "Main effects of eight readings on AMSGA's test accuracy",
            description: "Each factor's main effect (mean test accuracy at + minus at −, per-sample, points) on MNIST, "
                + "\(p.trainSize) training images, \(p.epochs) epochs, with its 95% interval from seeds.",
            xLabel: "main effect on test accuracy (points, + minus −)",
            categories: ReadingFactor.allCases.map { "\($0.letter): \($0.label)" }, groups: ["main effect ± 95% interval"],
            values: effects.map { [DotChart.Value($0, error: halfWidth)] })
        try ctx.figure("main-effects.svg", svg: chart.render())
        ctx.print("figure: main-effects.svg")
    }

    //: ## 5. Confirmation at the full protocol
    //: The reading each main effect favours (every factor at its better level,
    //: whether or not its interval excludes 0), trained at the paper's protocol:
    //: 50,000 images, 1500 epochs, seeds 0 … `confirmationSeeds` − 1, paired by
    //: seed with the baseline FF at the same protocol. Those baseline runs are
    //: Table I's configurations, so they are read from the `mnist` notebook's
    //: cache rather than trained again. Then one Fashion-MNIST seed against
    //: Table II's baseline at seed 0.
    nb.cell("Confirmation") { ctx, p in
        // Every factor at the level its main effect favours.
        let reading = Reading(alternative: try ctx.load(ReadingTensor.effects, from: screen).map { $0 > 0 })
        let changed = ReadingFactor.allCases.filter { reading.alternative[$0.rawValue] }.map { "\($0.letter): \($0.high)" }
        ctx.print("The reading the main effects favour: \(reading) (\(changed.isEmpty ? "the project's own" : changed.joined(separator: ", "))).\n")
        let full = [Assign(\ReadingsParameters.trainSize, 50_000), Assign(\.epochs, 1500), Assign(\.reading, reading)]
        func runs(_ method: ReadingsMethod, _ dataset: DatasetName, seeds: [Int]) throws -> [RunContents] {
            try ctx.sweep(train, over: seeds.map { full + [Assign(\.method, method), Assign(\.dataset, dataset), Assign(\.seed, $0)] })
                .map { try $0.run() }
        }
        let seeds = Array(0..<p.confirmationSeeds)
        ctx.print("MNIST, the full protocol:\n")
        SeedComparison(seeds: seeds, baseline: (.init("baseline FF", run: "baseline"), try runs(.baseline, .mnist, seeds: seeds)),
                       method: (.init("AMSGA \(reading)", run: "amsga"), try runs(.amsga, .mnist, seeds: seeds))).table(ctx)
        ctx.print("\nFashion-MNIST, the full protocol (2500 epochs; the baseline 1500 per layer), seed 0:\n")
        SeedComparison(seeds: [0], baseline: (.init("baseline FF", run: "baseline"), try runs(.baseline, .fashionMNIST, seeds: [0])),
                       method: (.init("AMSGA \(reading)", run: "amsga"), try runs(.amsga, .fashionMNIST, seeds: [0]))).table(ctx)
    }
}

/// The eight factors of the screen, in the design's order A … H.
enum ReadingFactor: Int, CaseIterable {
    case negatives, loss, miningScore, miningThreshold, initialisation, globalTerm, depth, clipping

    static let letters = ["A", "B", "C", "D", "E", "F", "G", "H"]
    /// 2^(8−4), resolution IV: E = BCD, F = ACD, G = ABC, H = ABD.
    static let design = FractionalFactorial(factors: 8, generators: [[1, 2, 3], [0, 2, 3], [0, 1, 2], [0, 1, 3]])

    var letter: String { Self.letters[rawValue] }
    var mask: UInt32 { UInt32(1) << UInt32(rawValue) }

    var label: String {
        ["negatives", "loss", "mining score", "mining threshold", "initialisation", "g_global in training", "l/L (eq. 5, 11)", "clipping"][rawValue]
    }
    var low: String {
        ["shuffled", "separate means", "first layer", "θ0", "Kaiming normal", "batch", "d_l", "norm 0.3"][rawValue]
    }
    var high: String {
        ["true label excluded", "concatenated", "all layers", "θ(1, p)", "U(±1/√fan_in)", "own sample", "l/L", "none"][rawValue]
    }

    /// `config` with this factor at its alternative level.
    func applyAlternative(to c: inout FFConfiguration) {
        switch self {
        case .negatives: c.negativeLabels = .shuffledExcludingTrue
        case .loss: c.lossReduction = .concatenated
        case .miningScore: c.miningScore = .allLayers
        case .miningThreshold: c.miningThreshold = .adaptive
        case .initialisation: c.initialisation = .uniformFanIn
        case .globalTerm: c.globalTerm = .ownSample
        case .depth: c.depthMeasure = .literal
        case .clipping: c.clipNorm = nil
        }
    }
}

/// What the screen saves for the cells after it.
enum ReadingTensor {
    static let response = TensorName("test_per_sample")
    static let effects = TensorName("main_effects")
    static let halfWidth = TensorName("interval_half_width")
}

/// One level per factor, written as eight signs in the order A … H ("−" the project's reading, "+" the alternative).
struct Reading: ParameterType, CustomStringConvertible, Equatable {
    var alternative: [Bool]

    static let project = Reading(alternative: Array(repeating: false, count: ReadingFactor.allCases.count))

    init(alternative: [Bool]) { self.alternative = alternative }
    /// A design row of −1 and +1.
    init(levels: [Int]) { alternative = levels.map { $0 > 0 } }

    var description: String { String(alternative.map { $0 ? "+" : "-" }) }
    var parameterValue: ParameterValue { .string(description) }
    init?(parameterValue v: ParameterValue) {
        guard case .string(let s) = v, s.count == ReadingFactor.allCases.count, s.allSatisfy({ $0 == "+" || $0 == "-" }) else { return nil }
        alternative = s.map { $0 == "+" }
    }
}

enum ReadingsMethod: String, CaseIterable, ParameterType {
    case amsga, baseline

    /// AMSGA's preset under `reading`, or the baseline's preset; `epochs` is
    /// AMSGA's on MNIST and each preset's epochs scale by the same ratio (the
    /// baseline's 1000 per layer on MNIST, AMSGA's 2500 on Fashion-MNIST, at 1500).
    func configuration(_ dataset: DatasetName, reading: Reading, epochs: Int, trainSize: Int, seed: Int) -> FFConfiguration {
        var c = self == .baseline ? FFConfiguration.baseline(dataset) : FFConfiguration.amsga(dataset)
        if self == .amsga { for f in ReadingFactor.allCases where reading.alternative[f.rawValue] { f.applyAlternative(to: &c) } }
        c.epochs = max(1, epochs * c.epochs / FFConfiguration.amsga(.mnist).epochs)
        c.seed = UInt64(seed)
        c.trainSize = trainSize < 50_000 ? trainSize : nil
        // At 50,000 images Table I and II's cadence, so that their runs are the same configurations.
        c.evalEvery = trainSize < 50_000 ? max(1, c.epochs / 10) : 50
        return c
    }
}

/// The screen read from the training cell: the 16 design runs at seed 0, the
/// best and worst repeated over seeds, the baseline over the same seeds, and
/// the main effects with their interval.
struct ReadingScreen {
    struct Corner {
        var label: String
        var reading: Reading
        var values: [Double]
    }

    let design: [(reading: Reading, run: RunContents)]
    let response: [Double]
    let effects: [Double]
    let replicates: [Corner]
    let baseline: [RunContents]
    let sd: Double
    let df: Int
    let standardError: Double
    let halfWidth: Double
    var best: Reading { design[response.indices.max { response[$0] < response[$1] }!].reading }

    init(_ ctx: CellContext, _ p: ReadingsParameters, _ train: CellRef<ReadingsParameters>) throws {
        let d = ReadingFactor.design
        let readings = d.matrix.map(Reading.init(levels:))
        let amsga = Assign(\ReadingsParameters.method, .amsga)
        let mnist = Assign(\ReadingsParameters.dataset, .mnist)
        let runs = try ctx.sweep(train, over: readings.map { [amsga, mnist, Assign(\.reading, $0), Assign(\.seed, 0)] }).map { try $0.run() }
        let test = { (r: RunContents) in 100 * (r.finalPerSample?.test ?? .nan) }
        let y = runs.map(test)
        design = Array(zip(readings, runs))
        response = y
        effects = d.mainEffects(y)
        let order = y.indices.sorted { y[$0] > y[$1] }
        replicates = try [("best", order.first!), ("worst", order.last!)].map { label, i in
            let more = try ctx.sweep(train, over: (1..<p.replicateSeeds).map { [amsga, mnist, Assign(\.reading, readings[i]), Assign(\.seed, $0)] })
            return Corner(label: "\(label) (run \(i + 1))", reading: readings[i], values: [y[i]] + (try more.map { test(try $0.run()) }))
        }
        baseline = try ctx.sweep(train, over: (0..<p.replicateSeeds).map { [Assign(\.method, .baseline), mnist, Assign(\.seed, $0)] }).map { try $0.run() }
        (sd, df) = pooledStandardDeviation(replicates.map(\.values))
        standardError = d.effectStandardError(sigma: sd)
        halfWidth = SeedComparison.tQuantile975(degreesOfFreedom: df) * standardError
    }
}
