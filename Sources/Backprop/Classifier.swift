import Tensor

/// A model trained by backpropagation on minibatches of flattened images:
/// the MLP and the CNN of Tables III–IV. `BackpropTrainer` needs no more of it.
///
/// The trainer calls these through the protocol, where the scalar type is not
/// known at compile time; the conformances mark their entry points
/// `@_specialize(where T == Float)` so that those calls reach code compiled
/// for Float (generic SIMD kernels run many times slower unspecialised).
public protocol Classifier<Scalar>: Sendable {
    associatedtype Scalar: BLASScalar

    /// Values per input row (784 for 28×28 images).
    var inputSize: Int { get }
    /// Outputs (10 classes).
    var classes: Int { get }

    /// Every trainable array, in a fixed order (a copy, for checks and tests).
    var parameters: [[Scalar]] { get }

    /// Mean softmax cross-entropy over the batch, and the gradient of every
    /// trainable array, in the order of `parameters`.
    func lossAndGradients(_ x: Matrix<Scalar>, labels: [Int]) -> (loss: Double, gradients: [[Scalar]])

    /// Calls `update` on every trainable array, in place, with its index in `parameters`.
    mutating func updateParametersInPlace(_ update: (Int, UnsafeMutableBufferPointer<Scalar>) -> Void)

    /// The most likely class of every row.
    func predict(_ x: Matrix<Scalar>) -> [Int]
}
