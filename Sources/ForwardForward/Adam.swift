import Foundation
import Tensor

/// Adam (Kingma & Ba) over one layer's flat parameter vector, in PyTorch's form:
///   m ← β1 m + (1−β1) g,  v ← β2 v + (1−β2) g²,
///   p ← p (1 − ηλ) − (η / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + ε),
/// where the decoupled weight decay λ (AdamW, Loshchilov & Hutter) shrinks the
/// first `decayed` values only (a layer's weights, not its biases). With λ = 0
/// the factor is exactly 1 and the step is Adam's, bit for bit.
public struct Adam<T: BLASScalar>: Sendable {
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double
    public var m: [T]
    public var v: [T]
    public var step: Int = 0

    public init(count: Int, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        m = [T](repeating: 0, count: count)
        v = [T](repeating: 0, count: count)
    }

    @inlinable
    public mutating func update(
        _ params: UnsafeMutableBufferPointer<T>, gradient g: UnsafeBufferPointer<T>,
        learningRate lr: Double, weightDecay lambda: Double = 0, decayed: Int = 0
    ) {
        precondition(params.count == m.count && g.count == m.count, "Adam: parameter count changed")
        precondition((0...params.count).contains(decayed), "Adam: decayed count out of range")
        step += 1
        let b1 = T(beta1)
        let b2 = T(beta2)
        let c1 = 1 - b1
        let c2 = 1 - b2
        let stepSize = T(lr / (1 - pow(beta1, Double(step))))
        let invSqrtBC2 = T(1 / (1 - pow(beta2, Double(step))).squareRoot())
        let eps = T(epsilon)
        let shrink = T(1 - lr * lambda)
        let keep = T(1)
        let shrinkAll = SIMD8(repeating: shrink)
        let keepAll = SIMD8(repeating: keep)
        m.withUnsafeMutableBufferPointer { mp in
            v.withUnsafeMutableBufferPointer { vp in
                let n = params.count
                let s = MemoryLayout<T>.stride
                let pr = UnsafeMutableRawPointer(params.baseAddress!)
                let gr = UnsafeRawPointer(g.baseAddress!)
                let mr = UnsafeMutableRawPointer(mp.baseAddress!)
                let vr = UnsafeMutableRawPointer(vp.baseAddress!)
                let mb = mp.baseAddress!
                let vb = vp.baseAddress!
                let pb = params.baseAddress!
                let gb = g.baseAddress!
                // Each value on its own: split over the threads in whole vectors, same bits at any count.
                Parallel.forEachChunk((n + 7) / 8, cost: n) { blocks in
                    let hi = min(blocks.upperBound * 8, n)
                    var j = blocks.lowerBound * 8
                    while j + 8 <= hi {
                        let o = j * s
                        let factor =
                            j + 8 <= decayed
                            ? shrinkAll
                            : j >= decayed
                                ? keepAll
                                : SIMD8((0..<8).map { j + $0 < decayed ? shrink : keep })  // the one block across the boundary
                        let gv = gr.loadUnaligned(fromByteOffset: o, as: SIMD8<T>.self)
                        let mv = b1 * mr.loadUnaligned(fromByteOffset: o, as: SIMD8<T>.self) + c1 * gv
                        let vv = b2 * vr.loadUnaligned(fromByteOffset: o, as: SIMD8<T>.self) + c2 * gv * gv
                        mr.storeBytes(of: mv, toByteOffset: o, as: SIMD8<T>.self)
                        vr.storeBytes(of: vv, toByteOffset: o, as: SIMD8<T>.self)
                        let denom = vv.squareRoot() * invSqrtBC2 + eps
                        let pv = pr.loadUnaligned(fromByteOffset: o, as: SIMD8<T>.self) * factor - stepSize * mv / denom
                        pr.storeBytes(of: pv, toByteOffset: o, as: SIMD8<T>.self)
                        j += 8
                    }
                    while j < hi {
                        mb[j] = b1 * mb[j] + c1 * gb[j]
                        vb[j] = b2 * vb[j] + c2 * gb[j] * gb[j]
                        pb[j] = pb[j] * (j < decayed ? shrink : keep) - stepSize * mb[j] / (vb[j].squareRoot() * invSqrtBC2 + eps)
                        j += 1
                    }
                }
            }
        }
    }
}

/// Clipping by global L2 norm, as torch.nn.utils.clip_grad_norm_: scale by
/// maxNorm / (‖g‖ + 1e-6) when that is below 1. Returns ‖g‖ before clipping.
@discardableResult @inlinable
public func clipByGlobalNorm<T: BLASScalar>(_ g: UnsafeMutableBufferPointer<T>, maxNorm: Double?) -> Double {
    let norm = Double(RowKernels.sumOfSquares(g.baseAddress!, g.count)).squareRoot()
    if let maxNorm {
        let scale = maxNorm / (norm + 1e-6)
        if scale < 1 {
            let t = T(scale)
            for i in g.indices { g[i] *= t }
        }
    }
    return norm
}
