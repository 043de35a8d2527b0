import Backprop
import Benchmarks
import Datasets
import Foundation
import ForwardForward
import Notebook

/*:
 # Backpropagation context — Tables III and IV

 The paper sets AMSGA beside a "Standard MLP" and a CNN trained with
 backpropagation (MLP ~98% on MNIST and 85–90% on Fashion-MNIST; CNN ~99% and
 90–95%; all quoted from elsewhere, not run). Here both are run, on the same
 50,000 standardised training images of the same seeded split as FF, with
 softmax cross-entropy, Adam and minibatches, their backward passes written by
 hand on the same tensor core as FF (CBLAS products, SIMD kernels):

 - the MLP: the baseline FF's sizes [784, 500, 500] with a 10-way softmax output, ReLU;
 - the CNN: two 5×5 convolutions of 32 and 64 channels, each followed by ReLU
   and 2×2 max-pooling, a dense layer of 1024 and 10 outputs (TensorFlow's
   "Deep MNIST for experts" network, after LeNet-5, without its dropout;
   `docs/cnn.md`). Convolutions are im2col and sgemm on channels-last images.

 The paper's case for FF is memory: no activations kept for a backward pass.
 The last cell measures it: the resident memory a few training steps add to
 the loaded data, each method in a fresh process (`amsga bench memory`).

 Parameters: `epochs` (MLP), `cnnEpochs`, `batchSize`, `learningRate` (Adam's), `seed`.
 */
public let backprop = Notebook("backprop", parameters: [
    "epochs": .int(10), "cnnEpochs": .int(5), "batchSize": .int(100), "learningRate": .double(0.001), "seed": .int(0),
], ranges: ["epochs": .atLeast(1), "cnnEpochs": .atLeast(1), "batchSize": .between(1, 50_000), "learningRate": .above(0),
            "seed": .atLeast(0)]) {
    //: ## 1. MLP on MNIST
    Cell("Train the MLP on MNIST") { ctx in
        try trainBackprop(ctx, .mnist, epochs: "epochs") { MLP<Float>(sizes: MLP<Float>.baselineSizes, seed: $0) }
    }

    //: ## 2. MLP on Fashion-MNIST
    Cell("Train the MLP on Fashion-MNIST") { ctx in
        try trainBackprop(ctx, .fashionMNIST, epochs: "epochs") { MLP<Float>(sizes: MLP<Float>.baselineSizes, seed: $0) }
    }

    //: ## 3. CNN on MNIST
    Cell("Train the CNN on MNIST") { ctx in
        try trainBackprop(ctx, .mnist, epochs: "cnnEpochs") { CNN<Float>(architecture: .tutorial, seed: $0) }
    }

    //: ## 4. CNN on Fashion-MNIST
    Cell("Train the CNN on Fashion-MNIST") { ctx in
        try trainBackprop(ctx, .fashionMNIST, epochs: "cnnEpochs") { CNN<Float>(architecture: .tutorial, seed: $0) }
    }

    //: ## 5. Tables III and IV, backprop rows
    //: The paper quotes these rows; ours are measured. The FF rows are in the
    //: `mnist` and `fashion-mnist` notebooks (and all four side by side in RESULTS.md).
    Cell("Tables III and IV") { ctx in
        let rows: [(model: String, dataset: String, cell: String, paper: String)] = [
            ("MLP [784, 500, 500, 10]", "MNIST", "Train the MLP on MNIST", "~98%"),
            ("MLP [784, 500, 500, 10]", "Fashion-MNIST", "Train the MLP on Fashion-MNIST", "85–90%"),
            ("CNN 5×5×32, 5×5×64, 1024", "MNIST", "Train the CNN on MNIST", "~99%"),
            ("CNN 5×5×32, 5×5×64, 1024", "Fashion-MNIST", "Train the CNN on Fashion-MNIST", "90–95%"),
        ]
        var table: [[String]] = []
        for r in rows {
            let final = try ctx.load("final_accuracy", from: r.cell)
            let seconds = try ctx.load("epoch_seconds", from: r.cell)
            table.append([r.model, r.dataset, "\(seconds.count)", String(format: "%.1f", seconds.reduce(0, +) / Double(seconds.count)),
                          pct(final[0]), pct(final[1]), pct(final[2]), r.paper])
        }
        ctx.table(["model", "dataset", "epochs", "s / epoch", "train (ours)", "validation (ours)", "test (ours)", "test (paper, quoted)"], table)
    }

    //: ## 6. Memory
    //: Peak resident memory of two training steps beyond the loaded data, each
    //: in a fresh process. Backprop at its usual minibatch and at FF's full
    //: batch (50,000), against baseline FF and AMSGA (full batch, as trained).
    Cell("Memory") { ctx in
        let batch = try ctx.int("batchSize")
        let probes: [(String, [String])] = [
            ("backprop MLP, batch \(batch)", ["--method", "backprop", "--batch", "\(batch)"]),
            ("backprop MLP, batch 50000", ["--method", "backprop", "--batch", "50000"]),
            ("backprop CNN, batch \(batch)", ["--method", "cnn", "--batch", "\(batch)"]),
            ("baseline FF, batch 50000", ["--method", "ff", "--preset", "baseline-mnist"]),
            ("AMSGA, batch 50000", ["--method", "ff", "--preset", "amsga-mnist"]),
        ]
        var rows: [[String]] = [], training: [Double] = []
        for (label, args) in probes {
            let r = try memoryProbe(args)
            rows.append([label, String(format: "%.0f", r.data), String(format: "%.0f", r.peak), String(format: "%.0f", r.peak - r.data)])
            training.append(r.peak - r.data)
        }
        ctx.table(["MNIST, 2 steps", "data loaded (MiB)", "peak (MiB)", "added by training (MiB)"], rows)
        ctx.save("training_mib", training)
    }
}

/// Trains the model `make(seed)` for the epochs in parameter `epochs`, saving
/// per-epoch loss, validation accuracy and seconds, and the final accuracies.
func trainBackprop<M: Classifier>(_ ctx: CellContext, _ dataset: DatasetName, epochs: String,
                                  _ make: (UInt64) -> M) throws where M.Scalar == Float {
    var s = BackpropSettings()
    s.epochs = try ctx.int(epochs)
    s.batchSize = try ctx.int("batchSize")
    s.learningRate = try ctx.double("learningRate")
    s.seed = UInt64(try ctx.int("seed"))
    let trainer = try BackpropTrainer(model: make(s.seed), settings: s, data: try ctx.data(dataset, seed: s.seed))
    var losses: [Double] = [], validation: [Double] = [], seconds: [Double] = []
    for e in 1 ... s.epochs {
        seconds.append(Machine.seconds { losses.append(trainer.trainEpoch()) })
        validation.append(trainer.accuracy(trainer.validation))
        ctx.print(String(format: "epoch %d: loss %.4f, validation %.2f%%, %.1f s", e, losses.last!, 100 * validation.last!, seconds.last!))
    }
    let final = [trainer.accuracy(trainer.train), trainer.accuracy(trainer.validation), trainer.accuracy(trainer.test)]
    ctx.print("final: train \(pct(final[0])), validation \(pct(final[1])), test \(pct(final[2]))")
    ctx.save("loss", losses)
    ctx.save("validation_accuracy", validation)
    ctx.save("epoch_seconds", seconds)
    ctx.save("final_accuracy", final)
}

/// Runs `amsga bench memory ARGS` (this same executable) and reads its line.
func memoryProbe(_ args: [String]) throws -> (data: Double, peak: Double) {
    let exe = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe)
    p.arguments = ["bench", "memory"] + args
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
    func after(_ w: String) -> Double? { words.firstIndex(of: Substring(w)).flatMap { Double(words[$0 + 1]) } }
    guard p.terminationStatus == 0, let data = after("data"), let peak = after("peak") else {
        throw NotebookError("amsga bench memory \(args.joined(separator: " ")) failed (status \(p.terminationStatus)): \(text)")
    }
    return (data, peak)
}
