import ArgumentParser
import Benchmarks
import Datasets
import ForwardForward
import Foundation
import Tensor

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks (release builds): kernels, and training speed against the sgemm bound.",
        subcommands: [Kernels.self, Training.self, Memory.self])

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
            let n = rows
            let din = 784
            let dout = 600
            var rng = Xoshiro256StarStar(seed: 1)
            var x = Matrix<Float>(rows: n, cols: din)
            x.storage.withUnsafeMutableBufferPointer { rng.fillUniform($0, low: -1, high: 1) }
            var w = Matrix<Float>(rows: dout, cols: din)
            w.storage.withUnsafeMutableBufferPointer { rng.fillUniform($0, low: -0.05, high: 0.05) }
            var z = Matrix<Float>(rows: n, cols: dout)
            var dw = Matrix<Float>(rows: dout, cols: din)
            let flops = 2.0 * Double(n) * Double(din) * Double(dout)
            let tf = Machine.best(3) { Matrix.gemm(x, w, transposeB: true, into: &z) }
            print(String(format: "sgemm X·Wᵀ  %d×%d×%d: %.3f s, %.1f GFLOP/s", n, din, dout, tf, flops / tf / 1e9))
            let tb = Machine.best(3) { Matrix.gemm(z, transposeA: true, x, into: &dw) }
            print(String(format: "sgemm dZᵀ·X %d×%d×%d: %.3f s, %.1f GFLOP/s", dout, n, din, tb, flops / tb / 1e9))

            func report(_ name: String, bytes: Double, _ t: Double) {
                print(String(format: "%-28@ %.4f s  %6.1f GB/s", name as NSString, t, bytes / t / 1e9))
            }
            let hb = Double(n * dout * 4)
            let xb = Double(n * din * 4)
            var y = Matrix<Float>(rows: n, cols: din)
            var bias = [Float](repeating: 0.01, count: dout)
            var out = [Float](repeating: 0, count: n)
            var groups = [Float](repeating: 0, count: n * 8)
            let bounds = MultiScaleGoodness<Float>.groupBounds(width: dout)
            let g = MultiScaleGoodness<Float>.multiScale(width: dout, depth: 0.5)
            var part = [Float](repeating: 0, count: n)
            var cols = [Float](repeating: 0, count: dout)
            x.storage.withUnsafeBufferPointer { xp in
                y.storage.withUnsafeMutableBufferPointer { yp in
                    report(
                        "normalizeRows (784 wide)", bytes: 2 * xb,
                        Machine.best(3) {
                            RowKernels.normalizeRows(xp.baseAddress!, yp.baseAddress!, rows: n, cols: din, eps: 1e-4)
                        })
                }
            }
            z.storage.withUnsafeMutableBufferPointer { zp in
                let zb = zp.baseAddress!
                bias.withUnsafeMutableBufferPointer { bp in
                    report(
                        "addBiasReLU", bytes: 2 * hb,
                        Machine.best(3) {
                            RowKernels.addBiasReLU(zb, rows: n, cols: dout, bias: bp.baseAddress!)
                        })
                }
                out.withUnsafeMutableBufferPointer { op in
                    report(
                        "rowSumsOfSquares", bytes: hb,
                        Machine.best(3) {
                            RowKernels.rowSumsOfSquares(zb, rows: n, cols: dout, into: op.baseAddress!)
                        })
                    groups.withUnsafeMutableBufferPointer { gp in
                        report(
                            "rowGroupMeansOfSquares (K=8)", bytes: hb,
                            Machine.best(3) {
                                RowKernels.rowGroupMeansOfSquares(zb, rows: n, cols: dout, bounds: bounds, into: gp.baseAddress!)
                            })
                    }
                    part.withUnsafeMutableBufferPointer { pp in
                        report(
                            "multi-scale goodness", bytes: hb,
                            Machine.best(3) {
                                g.evaluate(zb, rows: n, part: pp.baseAddress!, rowSums: op.baseAddress!)
                            })
                        bias.withUnsafeMutableBufferPointer { bp in
                            report(
                                "addBiasReLU + multi-scale goodness (one pass)", bytes: 2 * hb,
                                Machine.best(3) {
                                    g.activateAndEvaluate(
                                        zb, rows: n, bias: bp.baseAddress!, part: pp.baseAddress!, rowSums: op.baseAddress!)
                                })
                        }
                        cols.withUnsafeMutableBufferPointer { cp in
                            report(
                                "goodness backward + column sums (one pass, one thread)", bytes: 2 * hb,
                                Machine.best(3) {
                                    g.backward(zb, rows: n, dLdg: pp.baseAddress!, columnSums: cp.baseAddress!)
                                })
                        }
                    }
                }
                cols.withUnsafeMutableBufferPointer { cp in
                    report(
                        "columnSums", bytes: hb,
                        Machine.best(3) {
                            RowKernels.columnSums(zb, rows: n, cols: dout, into: cp.baseAddress!)
                        })
                }
            }
            var adam = Adam<Float>(count: dw.count)
            var params = w.storage
            dw.storage.withUnsafeBufferPointer { gp in
                params.withUnsafeMutableBufferPointer { pp in
                    report(
                        "Adam (600×784)", bytes: Double(dw.count * 4 * 7),
                        Machine.best(5) {
                            adam.update(pp, gradient: gp, learningRate: 0.01)
                        })
                }
            }
        }
    }
}
