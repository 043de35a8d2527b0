import Foundation

/// The shape of one matrix product, as `BLASScalar.gemm` takes it.
public struct GemmShape: Sendable, Hashable {
    public var m, n, k: Int
    public var transposeA, transposeB: Bool

    public init(m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool) {
        (self.m, self.n, self.k, self.transposeA, self.transposeB) = (m, n, k, transposeA, transposeB)
    }
}

/// Records the shape of every product made inside `record`, so that a
/// benchmark times exactly the products a training step made, alone, rather
/// than a hand-kept list of them that drifts from the code.
public final class GemmRecorder: @unchecked Sendable {
    @TaskLocal static var active: GemmRecorder?

    private let lock = NSLock()
    private var recorded: [GemmShape] = []
    private var seconds = 0.0

    public init() {}

    /// The products recorded so far, in the order they were made.
    public var shapes: [GemmShape] { lock.withLock { recorded } }

    /// Wall time the recorded products took where they ran (against the same
    /// products timed alone, it tells slow products from slow kernels between them).
    public var secondsInProducts: Double { lock.withLock { seconds } }

    /// Runs `body`, recording the products it makes on this task.
    public func record<R>(_ body: () throws -> R) rethrows -> R {
        try GemmRecorder.$active.withValue(self, operation: body)
    }

    /// Runs one product, recording its shape and time when a recorder is active.
    static func run(m: Int, n: Int, k: Int, transA: Bool, transB: Bool, _ product: () -> Void) {
        guard let recorder = active else { return product() }
        let start = DispatchTime.now().uptimeNanoseconds
        product()
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        recorder.lock.withLock {
            recorder.recorded.append(GemmShape(m: m, n: n, k: k, transposeA: transA, transposeB: transB))
            recorder.seconds += elapsed
        }
    }
}
