import ArgumentParser
import Benchmarks
import ForwardForward
import Foundation
import Tensor

extension Bench {
    struct Kernels: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "sgemm GFLOP/s and row-kernel GB/s.")
        @Option(parsing: .unconditional, help: "Rows of the benchmark matrices.") var rows: Int = 100_000
        @Option(parsing: .unconditional, help: "OpenBLAS threads.") var threads: Int = 2

        func validate() throws {
            guard rows > 0 else { throw ValidationError("--rows must be positive, got \(rows)") }
            try validateThreads(threads)
        }

        func run() {
            BLASInfo.setThreads(threads)
            print(Machine.description())
            let layer = KernelLayer(rows: rows)
            layer.timeProducts()
            layer.timeNormalisation()
            layer.timeRowKernels()
            layer.timeAdam()
        }
    }
}

/// One layer's buffers, planned up front: 784 inputs, 600 units, `rows`
/// samples, filled once; each kernel is timed on them as training calls it.
private final class KernelLayer {
    let n: Int
    let din = 784
    let dout = 600
    var x: Matrix<Float>
    var w: Matrix<Float>
    var z: Matrix<Float>
    var dw: Matrix<Float>
    /// Per unit (600) and per sample (`rows`; `groups` 8 per sample).
    let bias: UnsafeMutablePointer<Float>
    let columnSums: UnsafeMutablePointer<Float>
    let rowSums: UnsafeMutablePointer<Float>
    let part: UnsafeMutablePointer<Float>
    let groups: UnsafeMutablePointer<Float>
    let bounds: [Int]
    let goodness: MultiScaleGoodness<Float>

    init(rows n: Int) {
        self.n = n
        var rng = Xoshiro256StarStar(seed: 1)
        x = Matrix<Float>(rows: n, cols: din)
        x.storage.withUnsafeMutableBufferPointer { rng.fillUniform($0, low: -1, high: 1) }
        w = Matrix<Float>(rows: dout, cols: din)
        w.storage.withUnsafeMutableBufferPointer { rng.fillUniform($0, low: -0.05, high: 0.05) }
        z = Matrix<Float>(rows: n, cols: dout)
        dw = Matrix<Float>(rows: dout, cols: din)
        func buffer(_ count: Int, _ value: Float) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: count)
            p.initialize(repeating: value, count: count)
            return p
        }
        bias = buffer(dout, 0.01)
        columnSums = buffer(dout, 0)
        rowSums = buffer(n, 0)
        part = buffer(n, 0)
        groups = buffer(n * 8, 0)
        bounds = MultiScaleGoodness<Float>.groupBounds(width: dout)
        goodness = MultiScaleGoodness<Float>.multiScale(width: dout, depth: 0.5)
    }

    deinit {
        for p in [bias, columnSums, rowSums, part, groups] { p.deallocate() }
    }

    /// Bytes of one activation matrix (`rows` × 600 floats).
    var activationBytes: Double { Double(n * dout * 4) }

    func report(_ name: String, bytes: Double, _ t: Double) {
        print(String(format: "%-28@ %.4f s  %6.1f GB/s", name as NSString, t, bytes / t / 1e9))
    }

    /// The forward product and the weight gradient's, against the sgemm bound.
    func timeProducts() {
        let flops = 2.0 * Double(n) * Double(din) * Double(dout)
        let tf = Machine.best(3) { Matrix.gemm(x, w, transposeB: true, into: &z) }
        print(String(format: "sgemm X·Wᵀ  %d×%d×%d: %.3f s, %.1f GFLOP/s", n, din, dout, tf, flops / tf / 1e9))
        let tb = Machine.best(3) { Matrix.gemm(z, transposeA: true, x, into: &dw) }
        print(String(format: "sgemm dZᵀ·X %d×%d×%d: %.3f s, %.1f GFLOP/s", dout, n, din, tb, flops / tb / 1e9))
    }

    func timeNormalisation() {
        var y = Matrix<Float>(rows: n, cols: din)
        x.storage.withUnsafeBufferPointer { xp in
            y.storage.withUnsafeMutableBufferPointer { yp in
                report(
                    "normalizeRows (784 wide)", bytes: 2 * Double(n * din * 4),
                    Machine.best(3) {
                        RowKernels.normalizeRows(xp.baseAddress!, yp.baseAddress!, rows: n, cols: din, eps: 1e-4)
                    })
            }
        }
    }

    /// The kernels over the activations: bias and ReLU, the goodness sums,
    /// their fused pass, and the backward pass with its column sums.
    func timeRowKernels() {
        let hb = activationBytes
        z.storage.withUnsafeMutableBufferPointer { zp in
            let zb = zp.baseAddress!
            report("addBiasReLU", bytes: 2 * hb, Machine.best(3) { RowKernels.addBiasReLU(zb, rows: n, cols: dout, bias: bias) })
            report("rowSumsOfSquares", bytes: hb, Machine.best(3) { RowKernels.rowSumsOfSquares(zb, rows: n, cols: dout, into: rowSums) })
            report(
                "rowGroupMeansOfSquares (K=8)", bytes: hb,
                Machine.best(3) { RowKernels.rowGroupMeansOfSquares(zb, rows: n, cols: dout, bounds: bounds, into: groups) })
            report("multi-scale goodness", bytes: hb, Machine.best(3) { goodness.evaluate(zb, rows: n, part: part, rowSums: rowSums) })
            report(
                "addBiasReLU + multi-scale goodness (one pass)", bytes: 2 * hb,
                Machine.best(3) { goodness.activateAndEvaluate(zb, rows: n, bias: bias, part: part, rowSums: rowSums) })
            report(
                "goodness backward + column sums (one pass, one thread)", bytes: 2 * hb,
                Machine.best(3) { goodness.backward(zb, rows: n, dLdg: part, columnSums: columnSums) })
            report("columnSums", bytes: hb, Machine.best(3) { RowKernels.columnSums(zb, rows: n, cols: dout, into: columnSums) })
        }
    }

    func timeAdam() {
        var adam = Adam<Float>(count: dw.count)
        var params = w.storage
        dw.storage.withUnsafeBufferPointer { gp in
            params.withUnsafeMutableBufferPointer { pp in
                report(
                    "Adam (600×784)", bytes: Double(dw.count * 4 * 7), Machine.best(5) { adam.update(pp, gradient: gp, learningRate: 0.01) }
                )
            }
        }
    }
}
