import CBLAS
import Foundation

/// The OpenBLAS thread count each matrix product runs with.
///
/// OpenBLAS keeps one thread count for the whole process, and its products are
/// not bit-identical across counts (the split over threads changes which
/// kernel computes the edge blocks). A trainer promises the same weights for
/// the same seed *and thread count*; that promise breaks as soon as anything
/// else in the process changes the count between two of its products, which
/// is what the test suite does, running many trainers at once. So the count
/// is asked for per task (`with`), and every product takes one lock, sets the
/// count its caller asked for, and runs. The lock also keeps two products from
/// entering OpenBLAS at the same time, which older OpenBLAS builds mishandle.
public enum BLASThreads {
    /// The count asked for by the enclosing `with`, if any.
    @TaskLocal static var requested: Int?

    private static let lock = NSLock()
    /// Guarded by `lock`: the count OpenBLAS is set to, and the count for
    /// products outside any `with` (OpenBLAS's own default until `BLASInfo.setThreads`).
    nonisolated(unsafe) private static var current = Int(openblas_get_num_threads())
    nonisolated(unsafe) private static var fallback = Int(openblas_get_num_threads())

    /// Runs `body` with every product in it (on this task) using `threads` threads.
    public static func with<R>(_ threads: Int, _ body: () throws -> R) rethrows -> R {
        precondition(threads > 0, "BLAS thread count must be positive, got \(threads)")
        return try $requested.withValue(threads, operation: body)
    }

    /// The count for products outside any `with` (`BLASInfo.threads` is the public face).
    static var defaultCount: Int {
        get { lock.withLock { fallback } }
        set {
            precondition(newValue > 0, "BLAS thread count must be positive, got \(newValue)")
            lock.withLock { fallback = newValue }
        }
    }

    /// Runs one product under the lock, at the caller's thread count.
    static func run(_ product: () -> Void) {
        let wanted = requested
        lock.withLock {
            let n = wanted ?? fallback
            if n != current {
                openblas_set_num_threads(Int32(n))
                current = n
            }
            product()
        }
    }
}
