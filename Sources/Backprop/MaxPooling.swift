import Tensor

/// 2×2 max-pooling, stride 2, on channels-last images (N × H·W·C): each output
/// is the largest of its 2×2 window, per channel; an odd last row or column is
/// dropped (floor), as the frameworks do. The backward pass routes each
/// output's gradient to the input that won its window (the first, on a tie).
public struct MaxPooling: Sendable, Equatable {
    public let height: Int, width: Int, channels: Int

    public init(height: Int, width: Int, channels: Int) {
        precondition(height >= 2 && width >= 2 && channels > 0, "2×2 pooling needs at least 2×2 inputs, got \(height)×\(width)×\(channels)")
        (self.height, self.width, self.channels) = (height, width, channels)
    }

    public var outputHeight: Int { height / 2 }
    public var outputWidth: Int { width / 2 }
    public var inputSize: Int { height * width * channels }
    public var outputSize: Int { outputHeight * outputWidth * channels }

    /// The pooled batch, and for every output the index of its winner inside its image.
    public func forward<T: BLASScalar>(_ x: Matrix<T>) -> (output: Matrix<T>, winners: [Int32]) {
        precondition(x.cols == inputSize, "pooling input has \(x.cols) values per image, expected \(inputSize)")
        var y = Matrix<T>(rows: x.rows, cols: outputSize)
        var winners = [Int32](repeating: 0, count: x.rows * outputSize)
        let (w, c, oh, ow) = (width, channels, outputHeight, outputWidth)
        let (inSize, outSize) = (inputSize, outputSize)
        x.storage.withUnsafeBufferPointer { xb in
            y.storage.withUnsafeMutableBufferPointer { yb in
                winners.withUnsafeMutableBufferPointer { wb in
                    let xs = xb.baseAddress!
                    let ys = yb.baseAddress!
                    let ws = wb.baseAddress!
                    Parallel.forEachChunk(x.rows, cost: x.count) { images in
                        for n in images {
                            let image = xs + n * inSize
                            for oy in 0..<oh {
                                for ox in 0..<ow {
                                    let out = n * outSize + (oy * ow + ox) * c
                                    let c0 = (2 * oy * w + 2 * ox) * c
                                    let c1 = c0 + c
                                    let c2 = c0 + w * c
                                    let c3 = c2 + c
                                    for j in 0..<c {
                                        var best = c0 + j
                                        if image[c1 + j] > image[best] { best = c1 + j }
                                        if image[c2 + j] > image[best] { best = c2 + j }
                                        if image[c3 + j] > image[best] { best = c3 + j }
                                        ys[out + j] = image[best]
                                        ws[out + j] = Int32(best)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (y, winners)
    }

    /// ∂L/∂x: each output's gradient at its winner, zero elsewhere.
    public func backward<T: BLASScalar>(_ dY: Matrix<T>, winners: [Int32]) -> Matrix<T> {
        precondition(dY.cols == outputSize && winners.count == dY.count, "pooling backward: shape mismatch")
        var dx = Matrix<T>(rows: dY.rows, cols: inputSize)
        let (inSize, outSize) = (inputSize, outputSize)
        dY.storage.withUnsafeBufferPointer { db in
            dx.storage.withUnsafeMutableBufferPointer { xb in
                winners.withUnsafeBufferPointer { wb in
                    for n in 0..<dY.rows {
                        for o in 0..<outSize { xb[n * inSize + Int(wb[n * outSize + o])] += db[n * outSize + o] }
                    }
                }
            }
        }
        return dx
    }
}
