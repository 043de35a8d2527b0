// Row-wise kernels of a Forward-Forward layer, on raw buffers.
//
// Each reads or writes its rows once, with SIMD8 vectors and two accumulators
// so that a baseline x86-64 build (SSE2, no FMA) still runs at memory speed.
// They are generic and @inlinable so that callers get a specialised copy.

public enum RowKernels {
    /// Σ p[j]² over n values.
    @inlinable
    public static func sumOfSquares<T: BLASScalar>(_ p: UnsafePointer<T>, _ n: Int) -> T {
        var a0 = SIMD8<T>()
        var a1 = SIMD8<T>()
        var j = 0
        let raw = UnsafeRawPointer(p)
        let stride = MemoryLayout<T>.stride
        while j + 16 <= n {
            let v0 = raw.loadUnaligned(fromByteOffset: j * stride, as: SIMD8<T>.self)
            let v1 = raw.loadUnaligned(fromByteOffset: (j + 8) * stride, as: SIMD8<T>.self)
            a0 += v0 * v0
            a1 += v1 * v1
            j += 16
        }
        if j + 8 <= n {
            let v0 = raw.loadUnaligned(fromByteOffset: j * stride, as: SIMD8<T>.self)
            a0 += v0 * v0
            j += 8
        }
        var s = (a0 + a1).sum()
        while j < n {
            s += p[j] * p[j]
            j += 1
        }
        return s
    }

    /// `dst[i] = length · src[i] / (‖src[i]‖₂ + eps)` for every row; src and dst may be the same buffer.
    @inlinable
    public static func normalizeRows<T: BLASScalar>(
        _ src: UnsafePointer<T>, _ dst: UnsafeMutablePointer<T>, rows: Int, cols: Int,
        srcStride: Int? = nil, eps: T, length: T = 1
    ) {
        let ls = srcStride ?? cols
        Parallel.forEachChunk(rows, cost: rows * cols) { range in
            for i in range {
                let s = src + i * ls
                scaleCopy(s, dst + i * cols, cols, length / (sumOfSquares(s, cols).squareRoot() + eps))
            }
        }
    }

    /// `normalizeRows` for rows whose sums of squares are known (the goodness
    /// pass took them): one read of each row instead of two, the same bits.
    @inlinable
    public static func normalizeRows<T: BLASScalar>(
        _ src: UnsafePointer<T>, _ dst: UnsafeMutablePointer<T>, rows: Int, cols: Int,
        sumsOfSquares: UnsafePointer<T>, eps: T, length: T = 1
    ) {
        Parallel.forEachChunk(rows, cost: rows * cols) { range in
            for i in range {
                scaleCopy(src + i * cols, dst + i * cols, cols, length / (sumsOfSquares[i].squareRoot() + eps))
            }
        }
    }

    /// `d[j] = s[j] * scale` for n values.
    @inlinable
    public static func scaleCopy<T: BLASScalar>(
        _ s: UnsafePointer<T>, _ d: UnsafeMutablePointer<T>, _ n: Int, _ scale: T
    ) {
        let sr = UnsafeRawPointer(s)
        let dr = UnsafeMutableRawPointer(d)
        let stride = MemoryLayout<T>.stride
        let vs = SIMD8<T>(repeating: scale)
        var j = 0
        while j + 8 <= n {
            let v = sr.loadUnaligned(fromByteOffset: j * stride, as: SIMD8<T>.self)
            dr.storeBytes(of: v * vs, toByteOffset: j * stride, as: SIMD8<T>.self)
            j += 8
        }
        while j < n {
            d[j] = s[j] * scale
            j += 1
        }
    }

    /// `z[i, j] = max(0, z[i, j] + b[j])` in place.
    @inlinable
    public static func addBiasReLU<T: BLASScalar>(
        _ z: UnsafeMutablePointer<T>, rows: Int, cols: Int, bias: UnsafePointer<T>
    ) {
        Parallel.forEachChunk(rows, cost: rows * cols) { range in
            for i in range { addBiasReLU(row: z + i * cols, cols: cols, bias: bias) }
        }
    }

    /// `addBiasReLU` of one row.
    @inlinable
    public static func addBiasReLU<T: BLASScalar>(row: UnsafeMutablePointer<T>, cols: Int, bias: UnsafePointer<T>) {
        // A plain loop that the compiler vectorises (compare and select): SIMD8's
        // generic lane-wise max was not inlined and ran at a tenth of memory speed.
        // `v > 0 ? v : 0` is what `pointwiseMax(v, 0)` gave (−0 and NaN give +0).
        // The zero is a constant outside the loop: a literal inside it converts on
        // every element in generic code and the loop is not vectorised (5× slower).
        let zero: T = 0
        for j in 0..<cols {
            let v = row[j] + bias[j]
            row[j] = v > zero ? v : zero
        }
    }

    /// `out[i] = Σ_j h[i, j]²` for every row.
    @inlinable
    public static func rowSumsOfSquares<T: BLASScalar>(
        _ h: UnsafePointer<T>, rows: Int, cols: Int, into out: UnsafeMutablePointer<T>
    ) {
        Parallel.forEachChunk(rows, cost: rows * cols) { range in
            for i in range { out[i] = sumOfSquares(h + i * cols, cols) }
        }
    }

    /// `out[i, k] = mean of h[i, j]² over j in group k`, groups given by their
    /// boundaries (`bounds[k] ..< bounds[k+1]`, bounds.count = K + 1).
    @inlinable
    public static func rowGroupMeansOfSquares<T: BLASScalar>(
        _ h: UnsafePointer<T>, rows: Int, cols: Int, bounds: [Int], into out: UnsafeMutablePointer<T>
    ) {
        let k = bounds.count - 1
        bounds.withUnsafeBufferPointer { bd in
            Parallel.forEachChunk(rows, cost: rows * cols) { range in
                for i in range {
                    let row = h + i * cols
                    for g in 0..<k {
                        let lo = bd[g]
                        let hi = bd[g + 1]
                        out[i * k + g] = sumOfSquares(row + lo, hi - lo) / T(hi - lo)
                    }
                }
            }
        }
    }

    /// `out[j] = Σ_i m[i, j]` (a bias gradient), accumulated in T.
    ///
    /// On one thread: split by columns (the only split that keeps each
    /// column's order of summation) it ran slower on two cores than on one.
    @inlinable
    public static func columnSums<T: BLASScalar>(
        _ m: UnsafePointer<T>, rows: Int, cols: Int, into out: UnsafeMutablePointer<T>
    ) {
        out.update(repeating: 0, count: cols)
        let stride = MemoryLayout<T>.stride
        let orr = UnsafeMutableRawPointer(out)
        for i in 0..<rows {
            let rr = UnsafeRawPointer(m + i * cols)
            var j = 0
            while j + 8 <= cols {
                let acc =
                    orr.loadUnaligned(fromByteOffset: j * stride, as: SIMD8<T>.self)
                    + rr.loadUnaligned(fromByteOffset: j * stride, as: SIMD8<T>.self)
                orr.storeBytes(of: acc, toByteOffset: j * stride, as: SIMD8<T>.self)
                j += 8
            }
            while j < cols {
                out[j] += m[i * cols + j]
                j += 1
            }
        }
    }
}
