import Foundation

/// Splits the row kernels' work over threads: as many as the products use
/// (`BLASThreads.with`, else the process default), so one setting governs a
/// trainer's whole step. Only for work whose result does not depend on the
/// split (every index computed on its own, no reduction across chunks), so
/// that it gives the same bits at any thread count.
public enum Parallel {
    /// Below this many values of work, one thread does it all (waking a
    /// second costs more than it saves).
    public static let minimumCost = 1 << 15

    /// Threads the kernels of this task use.
    public static var threads: Int { BLASThreads.requested ?? BLASThreads.defaultCount }

    /// Calls `body` on contiguous ranges covering `0 ..< count`, one per
    /// thread, concurrently; `cost` is the work in values (e.g. rows × cols).
    public static func forEachChunk(_ count: Int, cost: Int = .max, _ body: (Range<Int>) -> Void) {
        let chunks = cost < minimumCost ? 1 : max(1, min(threads, count))
        if chunks == 1 {
            if count > 0 { body(0..<count) }
            return
        }
        // The chunks are disjoint and `body` returns before this does: the
        // caller's buffers are not shared in any way the checker could see.
        nonisolated(unsafe) let body = body
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            body(count * c / chunks..<count * (c + 1) / chunks)
        }
    }
}
