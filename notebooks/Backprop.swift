import Backprop
import Benchmarks
import Datasets
import ForwardForward
import Foundation
import Notebook
import Studies

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
 the loaded data, each method in a fresh process (`MemoryProbe`, which runs
 `amsga bench memory`).

 Parameters: `epochs` (MLP), `cnnEpochs`, `batchSize`, `learningRate` (Adam's), `seed`.
 */
struct BackpropParameters: NotebookParameters {
    @Param(.atLeast(1)) var epochs = 10
    @Param(.atLeast(1)) var cnnEpochs = 5
    @Param(.between(1, 50_000)) var batchSize = 100
    @Param(.above(0)) var learningRate = 0.001
    @Param(.atLeast(0)) var seed = 0
    static var replicate: KeyPath<Self, Int>? { \.seed }
}

public let backprop = Notebook("backprop") { (nb: Cells<BackpropParameters>) in
    //: ## 1. MLP on MNIST
    let mlpMNIST = nb.cell("Train the MLP on MNIST") { ctx, p in
        try trainBackprop(ctx, .mnist, settings(p, epochs: p.epochs)) { MLP<Float>(sizes: MLP<Float>.baselineSizes, seed: $0) }
    }

    //: ## 2. MLP on Fashion-MNIST
    let mlpFashion = nb.cell("Train the MLP on Fashion-MNIST") { ctx, p in
        try trainBackprop(ctx, .fashionMNIST, settings(p, epochs: p.epochs)) { MLP<Float>(sizes: MLP<Float>.baselineSizes, seed: $0) }
    }

    //: ## 3. CNN on MNIST
    let cnnMNIST = nb.cell("Train the CNN on MNIST") { ctx, p in
        try trainBackprop(ctx, .mnist, settings(p, epochs: p.cnnEpochs)) { CNN<Float>(architecture: .tutorial, seed: $0) }
    }

    //: ## 4. CNN on Fashion-MNIST
    let cnnFashion = nb.cell("Train the CNN on Fashion-MNIST") { ctx, p in
        try trainBackprop(ctx, .fashionMNIST, settings(p, epochs: p.cnnEpochs)) { CNN<Float>(architecture: .tutorial, seed: $0) }
    }

    //: ## 5. Tables III and IV, backprop rows
    //: The paper quotes these rows; ours are measured. The FF rows are in the
    //: `mnist` and `fashion-mnist` notebooks (and all four side by side in RESULTS.md).
    nb.cell("Tables III and IV") { ctx, _ in
        let rows = [
            ("MLP [784, 500, 500, 10]", "MNIST", mlpMNIST, "~98%"),
            ("MLP [784, 500, 500, 10]", "Fashion-MNIST", mlpFashion, "85–90%"),
            ("CNN 5×5×32, 5×5×64, 1024", "MNIST", cnnMNIST, "~99%"),
            ("CNN 5×5×32, 5×5×64, 1024", "Fashion-MNIST", cnnFashion, "90–95%"),
        ]
        var table: [[String]] = []
        for (model, dataset, cell, paper) in rows {
            let final = try ctx.load(BackpropTensors.finalAccuracy, from: cell)
            let seconds = try ctx.load(BackpropTensors.epochSeconds, from: cell)
            table.append([model, dataset, "\(seconds.count)", String(format: "%.1f", seconds.reduce(0, +) / Double(seconds.count)),
                          pct(final[0]), pct(final[1]), pct(final[2]), paper])
        }
        ctx.table(["model", "dataset", "epochs", "s / epoch", "train (ours)", "validation (ours)", "test (ours)", "test (paper, quoted)"], table)
    }

    //: ## 6. Memory
    //: Peak resident memory of two training steps beyond the loaded data, each
    //: in a fresh process. Backprop at its usual minibatch and at FF's full
    //: batch (50,000), against baseline FF and AMSGA (full batch, as trained).
    nb.cell("Memory") { ctx, p in
        let probes: [(String, MemoryProbe)] = [
            ("backprop MLP, batch \(p.batchSize)", MemoryProbe(method: .backprop, batch: p.batchSize)),
            ("backprop MLP, batch 50000", MemoryProbe(method: .backprop, batch: 50_000)),
            ("backprop CNN, batch \(p.batchSize)", MemoryProbe(method: .cnn, batch: p.batchSize)),
            ("baseline FF, batch 50000", MemoryProbe(method: .forwardForward, preset: "baseline-mnist")),
            ("AMSGA, batch 50000", MemoryProbe(method: .forwardForward, preset: "amsga-mnist")),
        ]
        var rows: [[String]] = [], training: [Double] = []
        for (label, probe) in probes {
            let r = try probe.measureInFreshProcess(executable: SourceTree.executable)
            rows.append([label, String(format: "%.0f", r.dataMiB), String(format: "%.0f", r.peakMiB), String(format: "%.0f", r.trainingMiB)])
            training.append(r.trainingMiB)
        }
        ctx.table(["MNIST, 2 steps", "data loaded (MiB)", "peak (MiB)", "added by training (MiB)"], rows)
        ctx.save(BackpropTensors.trainingMiB, training)
    }
}

/// What the training cells hand on, named once.
enum BackpropTensors {
    static let loss = TensorName("loss")
    static let validationAccuracy = TensorName("validation_accuracy")
    static let epochSeconds = TensorName("epoch_seconds")
    /// Train, validation and test accuracy after the last epoch.
    static let finalAccuracy = TensorName("final_accuracy")
    static let trainingMiB = TensorName("training_mib")
}

/// The notebook's parameters as the trainer's settings, for `epochs` epochs.
func settings(_ p: BackpropParameters, epochs: Int) -> BackpropSettings {
    var s = BackpropSettings()
    s.epochs = epochs
    s.batchSize = p.batchSize
    s.learningRate = p.learningRate
    s.seed = UInt64(p.seed)
    return s
}

/// Trains the model `make(seed)` with `s`, saving per-epoch loss, validation
/// accuracy and seconds, and the final accuracies.
func trainBackprop<M: Classifier>(_ ctx: CellContext, _ dataset: DatasetName, _ s: BackpropSettings,
                                  _ make: (UInt64) -> M) throws where M.Scalar == Float {
    let trainer = try BackpropTrainer(model: make(s.seed), settings: s, data: try ctx.data(dataset, seed: s.seed))
    var losses: [Double] = [], validation: [Double] = [], seconds: [Double] = []
    for e in 1 ... s.epochs {
        seconds.append(Machine.seconds { losses.append(trainer.trainEpoch()) })
        validation.append(trainer.accuracy(trainer.validation))
        ctx.print(String(format: "epoch %d: loss %.4f, validation %.2f%%, %.1f s", e, losses.last!, 100 * validation.last!, seconds.last!))
    }
    let final = [trainer.accuracy(trainer.train), trainer.accuracy(trainer.validation), trainer.accuracy(trainer.test)]
    ctx.print("final: train \(pct(final[0])), validation \(pct(final[1])), test \(pct(final[2]))")
    ctx.save(BackpropTensors.loss, losses)
    ctx.save(BackpropTensors.validationAccuracy, validation)
    ctx.save(BackpropTensors.epochSeconds, seconds)
    ctx.save(BackpropTensors.finalAccuracy, final)
}
