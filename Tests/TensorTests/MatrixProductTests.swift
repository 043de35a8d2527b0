import Tensor
import Testing

/// op(A)·op(B) by the definition, in Double.
func naiveProduct<T: BLASScalar>(_ a: Matrix<T>, _ ta: Bool, _ b: Matrix<T>, _ tb: Bool) -> [Double] {
    let m = ta ? a.cols : a.rows
    let k = ta ? a.rows : a.cols
    let n = tb ? b.rows : b.cols
    var c = [Double](repeating: 0, count: m * n)
    for i in 0..<m {
        for j in 0..<n {
            var s = 0.0
            for p in 0..<k { s += Double(ta ? a[p, i] : a[i, p]) * Double(tb ? b[j, p] : b[p, j]) }
            c[i * n + j] = s
        }
    }
    return c
}

func randomMatrix<T: BLASScalar>(_ rows: Int, _ cols: Int, seed: UInt64) -> Matrix<T> {
    var rng = Xoshiro256StarStar(seed: seed)
    var m = Matrix<T>(rows: rows, cols: cols)
    m.storage.withUnsafeMutableBufferPointer { rng.fillUniform($0, low: -1, high: 1) }
    return m
}

@Suite("CBLAS products")
struct MatrixProductTests {
    // Odd shapes: nothing a multiple of a SIMD width or a BLAS block.
    @Test(
        "sgemm agrees with a triple loop in every transpose combination",
        arguments: [(false, false), (false, true), (true, false), (true, true)])
    func sgemmShapes(ta: Bool, tb: Bool) {
        let (m, k, n) = (37, 53, 19)
        let a: Matrix<Float> = ta ? randomMatrix(k, m, seed: 1) : randomMatrix(m, k, seed: 1)
        let b: Matrix<Float> = tb ? randomMatrix(n, k, seed: 2) : randomMatrix(k, n, seed: 2)
        let c = Matrix.product(a, transposeA: ta, b, transposeB: tb)
        #expect(c.rows == m && c.cols == n)
        let ref = naiveProduct(a, ta, b, tb)
        for (x, y) in zip(c.storage, ref) { #expect(abs(Double(x) - y) <= 1e-5 * max(1, abs(y))) }
    }

    @Test("dgemm agrees with a triple loop to 1e-12")
    func dgemm() {
        let a: Matrix<Double> = randomMatrix(13, 7, seed: 3)
        let b: Matrix<Double> = randomMatrix(11, 7, seed: 4)
        let c = Matrix.product(a, b, transposeB: true)
        for (x, y) in zip(c.storage, naiveProduct(a, false, b, true)) { #expect(abs(x - y) <= 1e-12) }
    }

    @Test("The three training shapes: X·Wᵀ, dZᵀ·X and dZ·W")
    func trainingShapes() {
        let x: Matrix<Float> = randomMatrix(101, 29, seed: 5)  // N × Din
        let w: Matrix<Float> = randomMatrix(17, 29, seed: 6)  // Dout × Din
        let z = Matrix.product(x, w, transposeB: true)  // N × Dout
        #expect(z.rows == 101 && z.cols == 17)
        let dw = Matrix.product(z, transposeA: true, x)  // Dout × Din
        #expect(dw.rows == 17 && dw.cols == 29)
        let dx = Matrix.product(z, w)  // N × Din
        #expect(dx.rows == 101 && dx.cols == 29)
        for (got, ref) in [
            (z, naiveProduct(x, false, w, true)), (dw, naiveProduct(z, true, x, false)),
            (dx, naiveProduct(z, false, w, false)),
        ] {
            for (a, b) in zip(got.storage, ref) { #expect(abs(Double(a) - b) <= 1e-4 * max(1, abs(b))) }
        }
    }

    @Test("gemm accumulates with beta = 1")
    func accumulate() {
        let a: Matrix<Double> = randomMatrix(5, 3, seed: 7)
        let b: Matrix<Double> = randomMatrix(3, 4, seed: 8)
        var c = Matrix<Double>(rows: 5, cols: 4, repeating: 1)
        Matrix.gemm(a, b, alpha: 2, beta: 1, into: &c)
        for (x, y) in zip(c.storage, naiveProduct(a, false, b, false)) { #expect(abs(x - (1 + 2 * y)) <= 1e-12) }
    }
}
