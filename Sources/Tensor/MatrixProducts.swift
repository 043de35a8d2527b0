// Matrix products through CBLAS. Training needs three shapes of one routine:
//   forward  Z  = X · Wᵀ        (N×Din)·(Dout×Din)ᵀ → N×Dout
//   weights  dW = dZᵀ · X       (N×Dout)ᵀ·(N×Din)  → Dout×Din
//   inputs   dX = dZ · W        (N×Dout)·(Dout×Din) → N×Din   (backprop baseline)
// all of them `gemm` with the transposes set; `Matrix.product` takes any.

extension Matrix {
    /// `C ← α·op(A)·op(B) + β·C` into an existing matrix of the right shape.
    public static func gemm(
        _ a: Matrix, transposeA: Bool = false, _ b: Matrix, transposeB: Bool = false,
        alpha: Scalar = 1, beta: Scalar = 0, into c: inout Matrix
    ) {
        let (m, k) = transposeA ? (a.cols, a.rows) : (a.rows, a.cols)
        let (kb, n) = transposeB ? (b.cols, b.rows) : (b.rows, b.cols)
        precondition(k == kb, "inner dimensions differ: op(A) is \(m)×\(k), op(B) is \(kb)×\(n)")
        precondition(c.rows == m && c.cols == n, "C is \(c.rows)×\(c.cols), the product is \(m)×\(n)")
        if m == 0 || n == 0 { return }
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                c.storage.withUnsafeMutableBufferPointer { pc in
                    Scalar.gemm(
                        transA: transposeA, transB: transposeB, m: m, n: n, k: k,
                        alpha: alpha, a: pa.baseAddress!, lda: max(a.cols, 1),
                        b: pb.baseAddress!, ldb: max(b.cols, 1),
                        beta: beta, c: pc.baseAddress!, ldc: max(n, 1))
                }
            }
        }
    }

    /// `op(A)·op(B)` as a new matrix.
    public static func product(
        _ a: Matrix, transposeA: Bool = false, _ b: Matrix, transposeB: Bool = false
    ) -> Matrix {
        let m = transposeA ? a.cols : a.rows
        let n = transposeB ? b.rows : b.cols
        var c = Matrix(rows: m, cols: n)
        gemm(a, transposeA: transposeA, b, transposeB: transposeB, into: &c)
        return c
    }
}
