import Datasets
import ForwardForward
import Notebook
import Tensor

//: # A notebook that trains
//: A tiny FF run on synthetic images, then a cell that reads it.
let trainingNotebook = Notebook("training", parameters: ["epochs": .int(4)]) {
    Cell("Train") { ctx in
        var config = FFConfiguration.baseline(.mnist)
        config.layerSizes = [784, 12]
        config.epochs = try ctx.int("epochs")
        config.evalEvery = 2
        try ctx.train(config, data: try syntheticSplit(), as: "tiny")
    }
    Cell("Read") { ctx in
        let run = try ctx.run("tiny", from: "Train")
        ctx.print("steps \(run.trace.count)")
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
let divergingNotebook = Notebook("diverging", parameters: ["learningRate": .double(1e20)]) {
    Cell("Train") { ctx in
        var config = FFConfiguration.baseline(.mnist)
        config.layerSizes = [784, 12]
        config.epochs = 6
        config.evalEvery = 3
        guard case .double(let lr) = try ctx.parameter("learningRate") else { return }
        config.learningRate = lr
        config.learningRateSchedule = false
        try ctx.train(config, data: try syntheticSplit(), as: "tiny")
    }
}

//: # A notebook that compares two runs over seeds
let seededNotebook = Notebook("seeded", parameters: ["seed": .int(0), "seeds": .int(2)]) {
    Cell("Train") { ctx in
        var config = FFConfiguration.baseline(.mnist)
        config.layerSizes = [784, 12]
        config.epochs = 2
        config.evalEvery = 2
        config.seed = UInt64(try ctx.int("seed"))
        try ctx.train(config, data: try syntheticSplit(), as: "plain")
        config.learningRate = 0.001
        try ctx.train(config, data: try syntheticSplit(), as: "slow")
    }
    Cell("Compare") { ctx in
        let c = try SeedComparison(ctx, seeds: try ctx.int("seeds"), baseline: .init("plain", cell: "Train", run: "plain"),
                                   method: .init("slow", cell: "Train", run: "slow"))
        c.table(ctx)
    }
}
