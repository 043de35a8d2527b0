import Tensor
import Testing

@Suite("Row kernels")
struct RowKernelTests {
    // 37 columns: four SIMD8 vectors, a pair of them, and a scalar tail.
    let rows = 5, cols = 37

    @Test("sumOfSquares at every length up to 40")
    func sumOfSquares() {
        let m: Matrix<Double> = randomMatrix(1, 40, seed: 9)
        m.storage.withUnsafeBufferPointer { p in
            for n in 0...40 {
                let ref = p.prefix(n).reduce(0) { $0 + $1 * $1 }
                #expect(abs(RowKernels.sumOfSquares(p.baseAddress!, n) - ref) <= 1e-12)
            }
        }
    }

    @Test(
        "normalizeRows gives length · x / (‖x‖ + ε), for length 1 and √D, with and without known sums of squares",
        arguments: [1.0, 37.0.squareRoot()])
    func normalize(length: Double) {
        let x: Matrix<Double> = randomMatrix(rows, cols, seed: 10)
        var y = Matrix<Double>(rows: rows, cols: cols)
        var z = y
        let sums = (0..<rows).map { x.row($0).reduce(0) { $0 + $1 * $1 } }
        x.storage.withUnsafeBufferPointer { xp in
            y.storage.withUnsafeMutableBufferPointer { yp in
                if length == 1 {
                    RowKernels.normalizeRows(xp.baseAddress!, yp.baseAddress!, rows: rows, cols: cols, eps: 1e-4)
                } else {
                    RowKernels.normalizeRows(xp.baseAddress!, yp.baseAddress!, rows: rows, cols: cols, eps: 1e-4, length: length)
                }
            }
            z.storage.withUnsafeMutableBufferPointer { zp in
                RowKernels.normalizeRows(
                    xp.baseAddress!, zp.baseAddress!, rows: rows, cols: cols, sumsOfSquares: sums,
                    eps: 1e-4, length: length)
            }
        }
        for i in 0..<rows {
            let norm = sums[i].squareRoot()
            for j in 0..<cols {
                #expect(abs(y[i, j] - length * x[i, j] / (norm + 1e-4)) <= 1e-14)
                #expect(abs(z[i, j] - length * x[i, j] / (norm + 1e-4)) <= 1e-14)
            }
        }
    }

    @Test("addBiasReLU, rowSumsOfSquares, rowGroupMeansOfSquares and columnSums against loops")
    func kernels() {
        var z: Matrix<Float> = randomMatrix(rows, cols, seed: 11)
        let original = z
        let bias: [Float] = (0..<cols).map { Float($0 % 5) * 0.1 - 0.2 }
        z.storage.withUnsafeMutableBufferPointer { p in
            RowKernels.addBiasReLU(p.baseAddress!, rows: rows, cols: cols, bias: bias)
        }
        for i in 0..<rows { for j in 0..<cols { #expect(z[i, j] == max(0, original[i, j] + bias[j])) } }

        var sums = [Float](repeating: 0, count: rows)
        let bounds = [0, 10, 20, 29, 37]
        var groups = [Float](repeating: 0, count: rows * 4)
        var colSums = [Float](repeating: 0, count: cols)
        z.storage.withUnsafeBufferPointer { p in
            RowKernels.rowSumsOfSquares(p.baseAddress!, rows: rows, cols: cols, into: &sums)
            RowKernels.rowGroupMeansOfSquares(p.baseAddress!, rows: rows, cols: cols, bounds: bounds, into: &groups)
            RowKernels.columnSums(p.baseAddress!, rows: rows, cols: cols, into: &colSums)
        }
        for i in 0..<rows {
            let r = z.row(i)
            #expect(abs(sums[i] - r.reduce(0) { $0 + $1 * $1 }) <= 1e-5)
            for g in 0..<4 {
                let seg = r[bounds[g]..<bounds[g + 1]]
                #expect(abs(groups[i * 4 + g] - seg.reduce(0) { $0 + $1 * $1 } / Float(seg.count)) <= 1e-6)
            }
        }
        for j in 0..<cols {
            #expect(abs(colSums[j] - (0..<rows).reduce(0) { $0 + z[$1, j] }) <= 1e-5)
        }
    }
}
