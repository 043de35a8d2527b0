// swift-format-ignore-file
// (A test notebook: the tests read its cells back as text, so it keeps its layout.)
import Datasets
import ForwardForward
import Notebook
import Studies
import Tensor

//: # A notebook that trains
//: A tiny FF run on synthetic images, then a cell that reads it.
struct TrainingParameters: NotebookParameters {
    @Param var epochs = 4
}

let trainingNotebook = Notebook("training") { (nb: Cells<TrainingParameters>) in
    let train = nb.cell("Train") { ctx, p in
        var config = FFConfiguration.baseline(.mnist)
        config.layerSizes = [784, 12]
        config.epochs = p.epochs
        config.evalEvery = 2
        try ctx.train(config, data: try syntheticSplit(), as: "tiny")
    }
    nb.cell("Read") { ctx, _ in
        let run = try ctx.run(from: train)
        ctx.print("steps \(run.trace.count)")
    }
}

//: # Another notebook that trains the same configuration under its own run name
let trainingTwinNotebook = Notebook("training-twin") { (nb: Cells<TrainingParameters>) in
    nb.cell("Train the same") { ctx, p in
        var config = FFConfiguration.baseline(.mnist)
        config.layerSizes = [784, 12]
        config.epochs = p.epochs
        config.evalEvery = 2
        try ctx.train(config, data: try syntheticSplit(), as: "twin")
    }
}

/// 60 random images in ten classes, split 50 / 10, tested on 10 more.
func syntheticSplit() throws -> DataSplit {
    var rng = Xoshiro256StarStar(seed: 9)
    var images = Matrix<Float>(rows: 70, cols: 784)
    images.storage.withUnsafeMutableBufferPointer { rng.fillUniform($0, low: 0, high: 255) }
    let labels = (0 ..< 70).map { UInt8($0 % 10) }
    let all = ImageSet(images: images, labels: labels)
    return try DataSplit.make(.mnist, full: all.subset(Array(0 ..< 60)), test: all.subset(Array(60 ..< 70)), seed: 0, trainCount: 50)
}

//: # A notebook whose training diverges
struct DivergingParameters: NotebookParameters {
    @Param var learningRate = 1e20
}

let divergingNotebook = Notebook("diverging") { (nb: Cells<DivergingParameters>) in
    nb.cell("Train") { ctx, p in
        var config = FFConfiguration.baseline(.mnist)
        config.layerSizes = [784, 12]
        config.epochs = 6
        config.evalEvery = 3
        config.learningRate = p.learningRate
        config.learningRateSchedule = false
        try ctx.train(config, data: try syntheticSplit(), as: "tiny")
    }
}

//: # A notebook that compares two runs over seeds, written with typed parameters and cells
struct SeededParameters: NotebookParameters {
    @Param(.atLeast(0)) var seed = 0
    @Param(.atLeast(1)) var seeds = 2
    static var replicate: KeyPath<Self, Int>? { \.seed }
}

let seededNotebook = Notebook("seeded") { (nb: Cells<SeededParameters>) in
    let plain = nb.cell("Train plain") { ctx, p in
        try ctx.train(tinyConfiguration(seed: p.seed), data: try syntheticSplit(), as: "plain")
    }
    let slow = nb.cell("Train slow") { ctx, p in
        var config = tinyConfiguration(seed: p.seed)
        config.learningRate = 0.001
        try ctx.train(config, data: try syntheticSplit(), as: "slow")
    }
    nb.cell("Compare") { ctx, p in
        try SeedComparison(ctx, seeds: p.seeds, seed: \.seed, baseline: ("plain", plain), method: ("slow", slow)).table(ctx)
    }
}

//: # The same sweep over seeds in a notebook that declares no replicate axis
struct UndeclaredSeedParameters: NotebookParameters {
    @Param(.atLeast(0)) var seed = 0
}

let undeclaredSeedNotebook = Notebook("undeclared-seed") { (nb: Cells<UndeclaredSeedParameters>) in
    let plain = nb.cell("Train plain") { ctx, p in
        try ctx.train(tinyConfiguration(seed: p.seed), data: try syntheticSplit(), as: "plain")
    }
    nb.cell("Read") { ctx, _ in
        let runs = try ctx.sweep(plain, over: [[Assign(\.seed, 0)], [Assign(\.seed, 1)]])
        ctx.print("runs \(runs.count)")
    }
}

func tinyConfiguration(seed: Int) -> FFConfiguration {
    var config = FFConfiguration.baseline(.mnist)
    config.layerSizes = [784, 12]
    config.epochs = 2
    config.evalEvery = 2
    config.seed = UInt64(seed)
    return config
}

//: # Notebooks whose cells train two runs, and none
let twoRunsNotebook = Notebook("two-runs") { (nb: Cells<SeededParameters>) in
    let train = nb.cell("Train both") { ctx, p in
        try ctx.train(tinyConfiguration(seed: p.seed), data: try syntheticSplit(), as: "plain")
        var config = tinyConfiguration(seed: p.seed)
        config.learningRate = 0.001
        try ctx.train(config, data: try syntheticSplit(), as: "slow")
    }
    nb.cell("Read one of two") { ctx, _ in _ = try ctx.run(from: train) }
}

let noRunNotebook = Notebook("no-run") { (nb: Cells<SeededParameters>) in
    let nothing = nb.cell("Train nothing") { ctx, _ in ctx.print("no run") }
    nb.cell("Read none") { ctx, _ in _ = try ctx.run(from: nothing) }
}

//: # A notebook whose configuration can be wrong for some parameter values
struct CheckedParameters: NotebookParameters {
    @Param var mining = false
}

let checkedNotebook = Notebook("checked") { (nb: Cells<CheckedParameters>) in
    nb.cell("Before") { ctx, _ in ctx.print("ran") }
    nb.cell("Train") { p in
        var config = tinyConfiguration(seed: 0)
        config.negativeMining = p.mining  // mining needs interleaved training; the baseline is greedy
        return config
    } run: { ctx, _, config in
        try ctx.train(config, data: try syntheticSplit(), as: "tiny")
    }
}
