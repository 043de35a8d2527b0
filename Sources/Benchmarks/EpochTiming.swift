import Backprop
import Datasets
import ForwardForward
import Foundation
import Tensor

/// Seconds per epoch of a trainer next to the sgemm time of exactly the
/// products that epoch makes (the bound a full-batch FF epoch cannot beat),
/// as recorded while it ran.
public struct EpochTiming: Sendable {
    public var preset: String
    /// Per layer for the greedy baseline (its layers' products differ); one entry for AMSGA.
    public var seconds: [Double]
    public var boundSeconds: [Double]
    /// The same products' time inside the epoch (the rest of `seconds` is the Swift kernels).
    public var inSituSeconds: [Double]
    public var epochsTimed: Int
    /// CPU time and page faults of the timed epochs, all of them together.
    public var usage: Machine.Usage
    /// One evaluation after the timed epochs: every training, validation and test image, both prediction modes.
    public var evaluationSeconds: Double
    /// One evaluation as training makes it every `evalEvery` epochs: the ≤10,000-image training probe, validation and test.
    public var probeEvaluationSeconds: Double
    /// Peak resident memory while the trainer trained and evaluated (the data included).
    public var peakTrainingMiB: Double
    /// The epochs after the timed ones (the last layer's, greedy) as a training cell runs them.
    public var endToEnd: EndToEndTiming

    /// Greedy: the sum of the layers' epochs, i.e. one epoch of every layer.
    public var perEpoch: Double { seconds.reduce(0, +) }
    public var bound: Double { boundSeconds.reduce(0, +) }
    public var inSitu: Double { inSituSeconds.reduce(0, +) }
    public var ratio: Double { perEpoch / bound }

    /// Times `epochs` epochs (after one warm-up) of every layer's phase, then
    /// `checkpointEvery` more end to end (a run file in the temporary
    /// directory), then the evaluations; the products alone are timed after
    /// the trainer is gone, so that `peakTrainingMiB` is the trainer's alone.
    public static func measure(
        _ config: FFConfiguration, data: DataSplit, epochs: Int,
        checkpointEvery: Int = 10
    ) throws -> EpochTiming {
        var config = config
        config.evalEvery = Int.max / 2  // accuracy is not part of an epoch's time
        var times: [Double] = []
        var inSitu: [Double] = []
        var products: [[GemmShape]] = []
        var usage = Machine.Usage()
        HeapReuse.releaseFree()
        Machine.resetPeak()
        var endToEnd: EndToEndTiming?
        var probeEvaluation = 0.0
        let evaluation: Double = try {
            let trainer = try FFTrainer(config: config, data: data)
            for layer in trainer.greedy ? Array(0..<trainer.layerCount) : [0] {
                if trainer.greedy {
                    while trainer.stepsDone < layer * config.epochs { trainer.skipGreedyStep() }
                }
                trainer.step()  // warm-up
                var t = 0.0
                var s = 0.0
                var shapes: [GemmShape] = []
                for _ in 0..<epochs {
                    let recorder = GemmRecorder()
                    let before = Machine.usage()
                    let record = recorder.record { trainer.step() }
                    usage = usage + (Machine.usage() - before)
                    t += record.wallSeconds
                    s += recorder.secondsInProducts
                    shapes += recorder.shapes
                }
                times.append(t / Double(epochs))
                inSitu.append(s / Double(epochs))
                products.append(shapes)
            }
            endToEnd = try EndToEndTiming.measure(
                trainer, checkpointEvery: checkpointEvery,
                folder: NSTemporaryDirectory() + "amsga-bench-\(getpid())")
            probeEvaluation = Machine.seconds { _ = trainer.evaluate(fullTrain: false) }
            return Machine.seconds { _ = trainer.evaluate() }
        }()
        let peak = Machine.residentMiB()?.peak ?? .nan
        let bounds = products.map { GemmBound.seconds($0) / Double(epochs) }
        return EpochTiming(
            preset: config.name, seconds: times, boundSeconds: bounds, inSituSeconds: inSitu,
            epochsTimed: epochs, usage: usage, evaluationSeconds: evaluation,
            probeEvaluationSeconds: probeEvaluation, peakTrainingMiB: peak,
            endToEnd: endToEnd!)
    }
}

/// Times a list of sgemm products alone, on buffers of the same shapes
/// (allocated once, at the largest size each operand takes).
public enum GemmBound {
    /// The best of `repeats` timings of the whole list: a bound, so the
    /// machine's best showing of it (one timing varied by ±4% between runs).
    public static func seconds(_ products: [GemmShape], repeats: Int = 3) -> Double {
        (0..<repeats).map { _ in secondsOnce(products) }.min() ?? 0
    }

    static func secondsOnce(_ products: [GemmShape]) -> Double {
        let a = [Float](repeating: 0.5, count: products.map { $0.m * $0.k }.max() ?? 0)
        let b = [Float](repeating: 0.25, count: products.map { $0.k * $0.n }.max() ?? 0)
        var c = [Float](repeating: 0, count: products.map { $0.m * $0.n }.max() ?? 0)
        var total = 0.0
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    for p in products {
                        total += Machine.seconds {
                            Float.gemm(
                                transA: p.transposeA, transB: p.transposeB, m: p.m, n: p.n, k: p.k,
                                alpha: 1, a: ap.baseAddress!, lda: p.transposeA ? p.m : p.k,
                                b: bp.baseAddress!, ldb: p.transposeB ? p.k : p.n,
                                beta: 0, c: cp.baseAddress!, ldc: p.n)
                        }
                    }
                }
            }
        }
        return total
    }
}

/// Seconds per epoch of a backprop model (the MLP or the CNN) next to the
/// sgemm time of the products its steps make. A minibatch epoch is hundreds of
/// alike steps, so `steps` of them are timed (after one warm-up) and scaled
/// to the epoch's step count.
public struct BackpropTiming: Sendable {
    public var secondsPerStep: Double
    public var boundPerStep: Double
    public var stepsPerEpoch: Int
    public var stepsTimed: Int

    public var perEpoch: Double { secondsPerStep * Double(stepsPerEpoch) }
    public var bound: Double { boundPerStep * Double(stepsPerEpoch) }
    public var ratio: Double { secondsPerStep / boundPerStep }

    public static func measure<M: Classifier>(_ trainer: BackpropTrainer<M>, steps: Int) -> BackpropTiming {
        precondition(steps > 0, "steps must be positive")
        trainer.trainSteps(1)  // warm-up
        let recorder = GemmRecorder()
        let seconds = recorder.record { Machine.seconds { _ = trainer.trainSteps(steps) } }
        return BackpropTiming(
            secondsPerStep: seconds / Double(steps), boundPerStep: GemmBound.seconds(recorder.shapes) / Double(steps),
            stepsPerEpoch: trainer.stepsPerEpoch, stepsTimed: steps)
    }
}
