import Tensor

/// The optimiser of Hinton's FF script (docs/strong-ff.md): plain SGD on the
/// gradient smoothed over minibatches,
///   s ← 0.9 s + 0.1 g,   p ← p (1 − ηλ) − η s,
/// with the weight cost λ on the weights only. s is Adam's first moment with
/// β1 = 0.9, without its bias correction and without the second moment: it
/// lives in `m`, so checkpoints carry it as they carry Adam's (`v` stays 0).
/// The step is proportional to the gradient, where Adam's is not: a term that
/// is small in the gradient stays small in the step.
extension Adam {
    @inlinable
    public mutating func smoothedGradientUpdate(
        _ params: UnsafeMutableBufferPointer<T>, gradient g: UnsafeBufferPointer<T>,
        learningRate lr: Double, weightDecay lambda: Double = 0, decayed: Int = 0
    ) {
        precondition(params.count == m.count && g.count == m.count, "SGD: parameter count changed")
        precondition((0...params.count).contains(decayed), "SGD: decayed count out of range")
        step += 1
        let b1 = T(beta1)
        let c1 = 1 - T(beta1)
        let rate = T(lr)
        let shrink = T(1 - lr * lambda)
        let keep = T(1)
        m.withUnsafeMutableBufferPointer { mp in
            let n = params.count
            let mb = mp.baseAddress!
            let pb = params.baseAddress!
            let gb = g.baseAddress!
            // Each value on its own: split over the threads, same bits at any count.
            Parallel.forEachChunk((n + 7) / 8, cost: n) { blocks in
                let hi = min(blocks.upperBound * 8, n)
                var j = blocks.lowerBound * 8
                while j + 8 <= hi {
                    let gv = UnsafeRawPointer(gb + j).loadUnaligned(as: SIMD8<T>.self)
                    let mv = b1 * UnsafeRawPointer(mb + j).loadUnaligned(as: SIMD8<T>.self) + c1 * gv
                    UnsafeMutableRawPointer(mb + j).storeBytes(of: mv, as: SIMD8<T>.self)
                    let factor =
                        j + 8 <= decayed
                        ? SIMD8(repeating: shrink)
                        : j >= decayed
                            ? SIMD8(repeating: keep)
                            : SIMD8((0..<8).map { j + $0 < decayed ? shrink : keep })
                    let pv = UnsafeRawPointer(pb + j).loadUnaligned(as: SIMD8<T>.self) * factor - rate * mv
                    UnsafeMutableRawPointer(pb + j).storeBytes(of: pv, as: SIMD8<T>.self)
                    j += 8
                }
                while j < hi {
                    mb[j] = b1 * mb[j] + c1 * gb[j]
                    pb[j] = pb[j] * (j < decayed ? shrink : keep) - rate * mb[j]
                    j += 1
                }
            }
        }
    }
}
