import Tensor

/// Goodness of a batch of activations h (rows = samples, D columns).
///
/// Both kinds are written as a per-unit weight vector plus a batch term:
///   g_i = Σ_j w_j h_ij² + c · g_global,   g_global = (1/(B·D)) Σ_i Σ_j h_ij².
/// Baseline: w_j = 1/D, c = 0. Multi-scale (eq. 2–6) at relative depth d:
///   w_j = (0.40 − 0.15 d)/D + 0.35 / (K |G_k(j)|),   c = 0.25 + 0.15 d,
/// which is eq. 6 with eq. 2 and eq. 3 expanded (eq. 3's mean over K group
/// means puts weight 1/(K|G_k|) on each unit of group k).
public struct MultiScaleGoodness<T: BLASScalar>: Sendable {
    public let width: Int
    /// Per-unit weights w_j of the per-sample part.
    public let unitWeights: [T]
    /// Weight c of g_global.
    public let globalWeight: T
    /// Group boundaries of eq. 3 (empty for the baseline or when K < 2).
    public let groupBounds: [Int]

    /// Baseline goodness (1/D) Σ_j h_j².
    public static func baseline(width: Int) -> MultiScaleGoodness {
        MultiScaleGoodness(width: width, local: 1, inter: 0, global: 0)
    }

    /// Multi-scale goodness of a layer at relative depth d ∈ [0, 1]. With
    /// `ownSample`, each sample's g_global is its own g_local, so the global
    /// weight joins the local one and no batch term is left.
    public static func multiScale(width: Int, depth d: Double, ownSample: Bool = false) -> MultiScaleGoodness {
        // eq. 5 with l/L read as d_l (docs/reading.md): [0.40, 0.35, 0.25] first, [0.25, 0.35, 0.40] last.
        let local = 0.40 - 0.15 * d
        let global = 0.25 + 0.15 * d
        return ownSample
            ? MultiScaleGoodness(width: width, local: local + global, inter: 0.35, global: 0)
            : MultiScaleGoodness(width: width, local: local, inter: 0.35, global: global)
    }

    public init(width: Int, local: Double, inter: Double, global: Double) {
        self.width = width
        let bounds = inter != 0 ? Self.groupBounds(width: width) : []
        var w = [Double](repeating: local / Double(width), count: width)
        if inter != 0 {
            if bounds.count >= 3 {
                // eq. 3: g_inter = (1/K) Σ_k (1/|G_k|) Σ_{j∈G_k} h_j²
                let k = Double(bounds.count - 1)
                for g in 0..<bounds.count - 1 {
                    for j in bounds[g]..<bounds[g + 1] { w[j] += inter / (k * Double(bounds[g + 1] - bounds[g])) }
                }
            } else {
                // K < 2: g_inter falls back to g_local.
                for j in 0..<width { w[j] += inter / Double(width) }
            }
        }
        unitWeights = w.map { T($0) }
        globalWeight = T(global)
        groupBounds = bounds.count >= 3 ? bounds : []
    }

    /// K = min(8, ⌊D/10⌋) contiguous groups, sized as numpy.array_split
    /// (the first D mod K groups one larger); boundaries, K + 1 of them.
    public static func groupBounds(width d: Int) -> [Int] {
        let k = min(8, d / 10)
        guard k >= 2 else { return [] }
        var b = [0]
        let base = d / k
        let extra = d % k
        for g in 0..<k { b.append(b.last! + base + (g < extra ? 1 : 0)) }
        return b
    }

    /// Per-sample parts `part[i] = Σ_j w_j h_ij²` and the row sums `Σ_j h_ij²` of
    /// `rows` samples; returns g_global = Σ rowsum / (B·D).
    @discardableResult @inlinable
    public func evaluate(
        _ h: UnsafePointer<T>, rows: Int, part: UnsafeMutablePointer<T>,
        rowSums: UnsafeMutablePointer<T>
    ) -> T {
        Parallel.forEachChunk(rows, cost: rows * width) { range in
            for i in range { evaluateRow(h + i * width, part: part + i, rowSum: rowSums + i) }
        }
        return globalGoodness(rowSums: rowSums, rows: rows)
    }

    /// `RowKernels.addBiasReLU` of the pre-activations z (the layer's product),
    /// then `evaluate`, in one pass: each row is scored while it is in cache.
    /// The same bits as the two apart.
    @discardableResult @inlinable
    public func activateAndEvaluate(
        _ z: UnsafeMutablePointer<T>, rows: Int, bias: UnsafePointer<T>,
        part: UnsafeMutablePointer<T>, rowSums: UnsafeMutablePointer<T>
    ) -> T {
        Parallel.forEachChunk(rows, cost: rows * width) { range in
            for i in range {
                let row = z + i * width
                RowKernels.addBiasReLU(row: row, cols: width, bias: bias)
                evaluateRow(row, part: part + i, rowSum: rowSums + i)
            }
        }
        return globalGoodness(rowSums: rowSums, rows: rows)
    }

    @inlinable
    func evaluateRow(_ row: UnsafePointer<T>, part: UnsafeMutablePointer<T>, rowSum: UnsafeMutablePointer<T>) {
        let s = RowKernels.sumOfSquares(row, width)
        rowSum.pointee = s
        part.pointee =
            groupBounds.isEmpty
            ? unitWeights[0] * s
            : unitWeights.withUnsafeBufferPointer { Self.weightedSumOfSquares(row, $0.baseAddress!, width) }
    }

    @inlinable
    func globalGoodness(rowSums: UnsafePointer<T>, rows: Int) -> T {
        // Summed in row order on one thread: the same bits at any thread count.
        var total: T = 0
        for i in 0..<rows { total += rowSums[i] }
        return rows > 0 ? total / T(rows * width) : 0
    }

    /// g_i = part_i + c · g_global for a batch (training and mining); the
    /// rows' sums of squares are left in `rowSums`.
    @inlinable
    public func goodness(
        _ h: UnsafePointer<T>, rows: Int, into g: UnsafeMutablePointer<T>,
        rowSums: UnsafeMutablePointer<T>
    ) {
        addGlobalTerm(evaluate(h, rows: rows, part: g, rowSums: rowSums), to: g, rows: rows)
    }

    /// `goodness` of ReLU(z + b), made from the pre-activations z in place
    /// (see `activateAndEvaluate`).
    @inlinable
    public func activateAndScore(
        _ z: UnsafeMutablePointer<T>, rows: Int, bias: UnsafePointer<T>,
        into g: UnsafeMutablePointer<T>, rowSums: UnsafeMutablePointer<T>
    ) {
        addGlobalTerm(activateAndEvaluate(z, rows: rows, bias: bias, part: g, rowSums: rowSums), to: g, rows: rows)
    }

    @inlinable
    func addGlobalTerm(_ global: T, to g: UnsafeMutablePointer<T>, rows: Int) {
        // eq. 4: g_global over the batch being scored, shared by every sample.
        guard globalWeight != 0 else { return }
        // eq. 6: g = w_local g_local + 0.35 g_inter + w_global g_global
        let add = globalWeight * global
        for i in 0..<rows { g[i] += add }
    }

    /// dL/dh_ij = 2 h_ij (s_i w_j + c S / (B·D)), with s_i = dL/dg_i and S = Σ_i s_i
    /// (the global term's gradient reaches every sample). Overwrites h with it;
    /// h_ij = 0 wherever ReLU was inactive, so this is dL/dz as well. Its column
    /// sums (the bias gradient) go to `columnSums`, taken in the same pass.
    ///
    /// On one thread, in row order, the order of `RowKernels.columnSums`: a
    /// split over rows would change the sums' bits, and split over columns two
    /// threads ran slower than one. One pass on one thread still beat the
    /// gradient on two threads followed by the column sums (5.5 + 8.2 ms →
    /// 10.7 ms on 100,000 × 600, `amsga bench kernels`).
    @inlinable
    public func backward(
        _ h: UnsafeMutablePointer<T>, rows: Int, dLdg s: UnsafePointer<T>,
        columnSums out: UnsafeMutablePointer<T>
    ) {
        out.update(repeating: 0, count: width)
        guard rows > 0 else { return }
        var sumS: T = 0
        for i in 0..<rows { sumS += s[i] }
        let beta = 2 * globalWeight * sumS / T(rows * width)
        let stride = MemoryLayout<T>.stride
        let width = width
        let orr = UnsafeMutableRawPointer(out)
        let vb = SIMD8<T>(repeating: beta)
        unitWeights.withUnsafeBufferPointer { wp in
            let w = wp.baseAddress!
            let wr = UnsafeRawPointer(w)
            for i in 0..<rows {
                let row = h + i * width
                let rr = UnsafeMutableRawPointer(row)
                let alpha = 2 * s[i]
                let va = SIMD8<T>(repeating: alpha)
                var j = 0
                while j + 8 <= width {
                    let o = j * stride
                    let dz =
                        rr.loadUnaligned(fromByteOffset: o, as: SIMD8<T>.self)
                        * (va * wr.loadUnaligned(fromByteOffset: o, as: SIMD8<T>.self) + vb)
                    rr.storeBytes(of: dz, toByteOffset: o, as: SIMD8<T>.self)
                    orr.storeBytes(of: orr.loadUnaligned(fromByteOffset: o, as: SIMD8<T>.self) + dz, toByteOffset: o, as: SIMD8<T>.self)
                    j += 8
                }
                while j < width {
                    row[j] = row[j] * (alpha * w[j] + beta)
                    out[j] += row[j]
                    j += 1
                }
            }
        }
    }

    @inlinable
    public static func weightedSumOfSquares(_ p: UnsafePointer<T>, _ w: UnsafePointer<T>, _ n: Int) -> T {
        let stride = MemoryLayout<T>.stride
        let pr = UnsafeRawPointer(p)
        let wr = UnsafeRawPointer(w)
        var a0 = SIMD8<T>()
        var a1 = SIMD8<T>()
        var j = 0
        while j + 16 <= n {
            let v0 = pr.loadUnaligned(fromByteOffset: j * stride, as: SIMD8<T>.self)
            let v1 = pr.loadUnaligned(fromByteOffset: (j + 8) * stride, as: SIMD8<T>.self)
            a0 += v0 * v0 * wr.loadUnaligned(fromByteOffset: j * stride, as: SIMD8<T>.self)
            a1 += v1 * v1 * wr.loadUnaligned(fromByteOffset: (j + 8) * stride, as: SIMD8<T>.self)
            j += 16
        }
        var s = (a0 + a1).sum()
        while j < n {
            s += p[j] * p[j] * w[j]
            j += 1
        }
        return s
    }
}
