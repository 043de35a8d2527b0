import Tensor

/// A 2-D convolution, stride 1, "same" zero padding (odd kernels), on
/// channels-last images: each row of a batch matrix is one image, H·W·C values
/// with the channel fastest (NHWC; a 28×28 MNIST row already is).
///
/// Computed as one product (im2col): every k×k×C_in patch becomes a row of
/// `cols`, (N·H·W) × (k·k·C_in), and
///   Z = cols · Wᵀ + b          (N·H·W) × C_out
/// is the output in NHWC with no reordering; channels-last is what lets the
/// product write the layout the next layer reads. Its gradients are products too:
///   ∂L/∂W = (∂L/∂Z)ᵀ · cols,   ∂L/∂b = Σ_rows ∂L/∂Z,
///   ∂L/∂cols = ∂L/∂Z · W, scattered back onto the image by col2im.
public struct Convolution<T: BLASScalar>: Sendable, Equatable {
    public let height: Int, width: Int, inChannels: Int, outChannels: Int, kernel: Int
    /// C_out × (k·k·C_in), a row per output channel, its columns in (ky, kx, c) order.
    public var weights: Matrix<T>
    public var bias: [T]

    public var patchSize: Int { kernel * kernel * inChannels }
    public var inputSize: Int { height * width * inChannels }
    public var outputSize: Int { height * width * outChannels }

    /// W, b ~ U(±1/√fan_in), fan_in = k·k·C_in (the frameworks' default, as the MLP's).
    public init(
        height: Int, width: Int, inChannels: Int, outChannels: Int, kernel: Int,
        rng: inout Xoshiro256StarStar
    ) {
        precondition(kernel % 2 == 1, "'same' padding needs an odd kernel, got \(kernel)")
        precondition(height > 0 && width > 0 && inChannels > 0 && outChannels > 0, "convolution sizes must be positive")
        (self.height, self.width, self.inChannels, self.outChannels, self.kernel) = (height, width, inChannels, outChannels, kernel)
        let bound = T(1 / Double(kernel * kernel * inChannels).squareRoot())
        weights = Matrix(rows: outChannels, cols: kernel * kernel * inChannels)
        weights.storage.withUnsafeMutableBufferPointer { rng.fillUniform($0, low: -bound, high: bound) }
        bias = [T](repeating: 0, count: outChannels)
        bias.withUnsafeMutableBufferPointer { rng.fillUniform($0, low: -bound, high: bound) }
    }

    /// Walks image `n`'s patches: for every output position and every kernel
    /// offset that falls inside the image, `body(patch, pixel)` with the offset
    /// of that patch entry in the patch matrix and of the pixel in the batch
    /// (C_in values each). im2col copies along it, col2im adds back along it.
    @inline(__always)
    func forEachPatchPixel(ofImage n: Int, _ body: (_ patch: Int, _ pixel: Int) -> Void) {
        let (h, w, c, k, pad) = (height, width, inChannels, kernel, kernel / 2)
        for oy in 0..<h {
            for ox in 0..<w {
                let row = ((n * h + oy) * w + ox) * patchSize
                for ky in 0..<k {
                    let iy = oy + ky - pad
                    guard iy >= 0 && iy < h else { continue }
                    for kx in 0..<k {
                        let ix = ox + kx - pad
                        guard ix >= 0 && ix < w else { continue }
                        body(row + (ky * k + kx) * c, ((n * h + iy) * w + ix) * c)
                    }
                }
            }
        }
    }

    /// The patches of a batch (N × H·W·C_in): (N·H·W) × (k·k·C_in), zeros where a patch leaves the image.
    public func im2col(_ x: Matrix<T>) -> Matrix<T> {
        precondition(x.cols == inputSize, "convolution input has \(x.cols) values per image, expected \(inputSize)")
        var cols = Matrix<T>(rows: x.rows * height * width, cols: patchSize)
        let c = inChannels
        x.storage.withUnsafeBufferPointer { xb in
            cols.storage.withUnsafeMutableBufferPointer { cb in
                let xs = xb.baseAddress!
                let cs = cb.baseAddress!
                Parallel.forEachChunk(x.rows, cost: x.rows * height * width * patchSize) { images in
                    // Outside the image a patch keeps its zeros.
                    for n in images { forEachPatchPixel(ofImage: n) { (cs + $0).update(from: xs + $1, count: c) } }
                }
            }
        }
        return cols
    }

    /// ∂L/∂x from ∂L/∂cols: every patch value added back where it came from.
    public func col2im(_ dCols: Matrix<T>, images: Int) -> Matrix<T> {
        precondition(dCols.rows == images * height * width && dCols.cols == patchSize, "col2im: shape mismatch")
        var dx = Matrix<T>(rows: images, cols: inputSize)
        let c = inChannels
        dCols.storage.withUnsafeBufferPointer { db in
            dx.storage.withUnsafeMutableBufferPointer { xb in
                let ds = db.baseAddress!
                let xs = xb.baseAddress!
                Parallel.forEachChunk(images, cost: dCols.count) { range in
                    for n in range {
                        forEachPatchPixel(ofImage: n) { patch, pixel in
                            for j in 0..<c { xs[pixel + j] += ds[patch + j] }
                        }
                    }
                }
            }
        }
        return dx
    }

    /// Z = cols · Wᵀ + b, as N × (H·W·C_out); with `relu`, max(0, Z) (fused).
    public func forward(cols: Matrix<T>, images: Int, relu: Bool) -> Matrix<T> {
        var z = Matrix<T>(rows: cols.rows, cols: outChannels)
        Matrix.gemm(cols, weights, transposeB: true, into: &z)
        z.storage.withUnsafeMutableBufferPointer { zp in
            bias.withUnsafeBufferPointer { bp in
                if relu {
                    RowKernels.addBiasReLU(zp.baseAddress!, rows: cols.rows, cols: outChannels, bias: bp.baseAddress!)
                } else {
                    for i in 0..<cols.rows { for j in 0..<outChannels { zp[i * outChannels + j] += bp[j] } }
                }
            }
        }
        return Matrix(rows: images, cols: outputSize, storage: z.storage)
    }

    /// From ∂L/∂Z (N × H·W·C_out): ∂L/∂W, ∂L/∂b, and ∂L/∂x when `inputGradient`.
    public func backward(cols: Matrix<T>, outputGradient dZ: Matrix<T>, inputGradient: Bool)
        -> (dW: Matrix<T>, db: [T], dX: Matrix<T>?)
    {
        let images = dZ.rows
        let dZrows = Matrix(rows: images * height * width, cols: outChannels, storage: dZ.storage)
        var dW = Matrix<T>(rows: outChannels, cols: patchSize)
        Matrix.gemm(dZrows, transposeA: true, cols, into: &dW)
        var db = [T](repeating: 0, count: outChannels)
        dZrows.storage.withUnsafeBufferPointer { dp in
            db.withUnsafeMutableBufferPointer {
                RowKernels.columnSums(dp.baseAddress!, rows: dZrows.rows, cols: outChannels, into: $0.baseAddress!)
            }
        }
        guard inputGradient else { return (dW, db, nil) }
        var dCols = Matrix<T>(rows: dZrows.rows, cols: patchSize)
        Matrix.gemm(dZrows, weights, into: &dCols)
        return (dW, db, col2im(dCols, images: images))
    }
}
