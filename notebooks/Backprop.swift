import Backprop
import Benchmarks
import Datasets
import Foundation
import ForwardForward
import Notebook

/*:
 # Backpropagation context — Tables III and IV

 The paper sets AMSGA beside a "Standard MLP" trained with backpropagation
 (~98% on MNIST, 85–90% on Fashion-MNIST, quoted from elsewhere, not run).
 Here that MLP is run: the baseline FF's sizes [784, 500, 500] with a 10-way
 softmax output, ReLU, softmax cross-entropy, Adam, minibatches, trained on
 the same 50,000 standardised training images of the same seeded split, its
 backward pass written by hand on the same tensor core as FF.

 The paper's case for FF is memory: no activations kept for a backward pass.
 The last cell measures it: the resident memory a few training steps add to
 the loaded data, each method in a fresh process (`amsga bench memory`).

 Parameters: `epochs`, `batchSize`, `learningRate` (×10⁻⁴, a whole number),
 `seed`.
 */
public let backprop = Notebook("backprop", parameters: [
    "epochs": .int(10), "batchSize": .int(100), "learningRate1e4": .int(10), "seed": .int(0),
]) {
    //: ## 1. MNIST
    Cell("Train on MNIST") { ctx in
        try trainMLP(ctx, .mnist)
    }

    //: ## 2. Fashion-MNIST
    Cell("Train on Fashion-MNIST") { ctx in
        try trainMLP(ctx, .fashionMNIST)
    }

    //: ## 3. Tables III and IV, backprop rows
    //: The paper quotes these rows; ours are measured. The FF rows are in the
    //: `mnist` and `fashion-mnist` notebooks (and side by side in RESULTS.md).
    Cell("Tables III and IV") { ctx in
        let m = try ctx.load("final_accuracy", from: "Train on MNIST")
        let f = try ctx.load("final_accuracy", from: "Train on Fashion-MNIST")
        ctx.table(["dataset", "MLP", "train (ours)", "validation (ours)", "test (ours)", "test (paper, quoted)"], [
            ["MNIST", "[784, 500, 500, 10]", pct(m[0]), pct(m[1]), pct(m[2]), "~98%"],
            ["Fashion-MNIST", "[784, 500, 500, 10]", pct(f[0]), pct(f[1]), pct(f[2]), "85–90%"],
        ])
    }

    //: ## 4. Memory
    //: Peak resident memory of two training steps beyond the loaded data, each
    //: in a fresh process. Backprop at its usual minibatch and at FF's full
    //: batch (50,000), against baseline FF and AMSGA (full batch, as trained).
    Cell("Memory") { ctx in
        let batch = try ctx.int("batchSize")
        let probes: [(String, [String])] = [
            ("backprop MLP, batch \(batch)", ["--method", "backprop", "--batch", "\(batch)"]),
            ("backprop MLP, batch 50000", ["--method", "backprop", "--batch", "50000"]),
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

/// Trains the MLP for `epochs`, saving per-epoch loss and validation accuracy and the final accuracies.
func trainMLP(_ ctx: CellContext, _ dataset: DatasetName) throws {
    var s = BackpropTrainer.Settings()
    s.epochs = try ctx.int("epochs")
    s.batchSize = try ctx.int("batchSize")
    s.learningRate = Double(try ctx.int("learningRate1e4")) * 1e-4
    s.seed = UInt64(try ctx.int("seed"))
    let trainer = try BackpropTrainer(settings: s, data: try ctx.data(dataset, seed: s.seed))
    var losses: [Double] = [], validation: [Double] = []
    for e in 1 ... s.epochs {
        losses.append(trainer.trainEpoch())
        validation.append(trainer.accuracy(trainer.validation))
        if e % 5 == 0 || e == s.epochs {
            ctx.print(String(format: "epoch %d: loss %.4f, validation %.2f%%", e, losses.last!, 100 * validation.last!))
        }
    }
    let final = [trainer.accuracy(trainer.train), trainer.accuracy(trainer.validation), trainer.accuracy(trainer.test)]
    ctx.print("final: train \(pct(final[0])), validation \(pct(final[1])), test \(pct(final[2]))")
    ctx.save("loss", losses)
    ctx.save("validation_accuracy", validation)
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
