import Foundation
import Tensor
import Testing

@Suite("BLAS thread count per caller")
struct BLASThreadsTests {
    /// One FF forward product at a batch size where OpenBLAS's split over
    /// threads changes the result's last bits.
    func product(threads: Int) -> [Float] {
        let x: Matrix<Float> = randomMatrix(50, 500, seed: 1)
        let w: Matrix<Float> = randomMatrix(500, 500, seed: 2)
        var z = Matrix<Float>(rows: 50, cols: 500)
        BLASThreads.with(threads) { Matrix.gemm(x, w, transposeB: true, into: &z) }
        return z.storage
    }

    @Test("A product runs at its caller's thread count while another thread asks for a different one")
    func isolatedFromOtherCallers() {
        let twoThreads = product(threads: 2)
        let oneThread = product(threads: 1)
        // With one core, or kernels whose split over threads keeps every bit
        // (OpenBLAS's Nehalem ones do), a wrong count cannot show in the
        // result; the loop below then checks only that concurrent products agree.
        if twoThreads == oneThread {
            print(
                "note: 1 and 2 OpenBLAS threads give the same bits here (core \(BLASInfo.coreName), "
                    + "\(ProcessInfo.processInfo.activeProcessorCount) cores): a wrong thread count cannot show")
        }
        // The other caller asks for one thread as often as it can: small products, back to back.
        let stop = StopFlag()
        let other = Thread {
            let a: Matrix<Float> = randomMatrix(4, 4, seed: 3)
            var c = Matrix<Float>(rows: 4, cols: 4)
            while !stop.isSet { BLASThreads.with(1) { Matrix.gemm(a, a, into: &c) } }
        }
        other.start()
        defer { stop.set() }
        var differing = 0
        for _ in 0..<200 where product(threads: 2) != twoThreads { differing += 1 }
        #expect(differing == 0, "\(differing) of 200 products at 2 threads differ from the same product run alone")
    }
}

/// A flag one thread sets and another reads.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
