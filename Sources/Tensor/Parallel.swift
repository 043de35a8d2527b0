import Foundation

/// Splits work over the machine's cores. Only for work whose result does not
/// depend on the split (every index computed on its own, no reduction across
/// chunks), so that it gives the same bits on any machine.
public enum Parallel {
    /// Calls `body` on contiguous ranges covering `0 ..< count`, one per core
    /// at most, at least `minimumChunk` indices each, concurrently.
    public static func forEachChunk(_ count: Int, minimumChunk: Int = 1, _ body: (Range<Int>) -> Void) {
        let chunks = max(1, min(ProcessInfo.processInfo.activeProcessorCount, count / max(minimumChunk, 1)))
        if chunks == 1 {
            if count > 0 { body(0 ..< count) }
            return
        }
        // The chunks are disjoint and `body` returns before this does: the
        // caller's buffers are not shared in any way the checker could see.
        nonisolated(unsafe) let body = body
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            body(count * c / chunks ..< count * (c + 1) / chunks)
        }
    }
}
