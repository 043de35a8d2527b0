import Foundation

/// For kill trials: `AMSGA_FAULT=<point>:<n>` makes the process kill itself
/// with SIGKILL the n-th time it reaches `point` (1 for the first), so that a
/// test can stop it inside a write that a timed kill would rarely hit. Without
/// the variable a point costs one dictionary lookup.
public enum FaultInjection {
    /// The points, in the order a cell reaches them.
    public enum Point: String, CaseIterable, Sendable {
        /// The end of a training step, before its run file is written (at a checkpoint) or not.
        case step
        /// A run file written to its temporary name, not yet renamed into place.
        case runFile = "run-file"
        /// A cell state written but for its `complete` attribute.
        case cellState = "cell-state"
        /// A cell's entry staged, not yet renamed into the cache.
        case entryCommit = "entry-commit"
        /// Between the figures a cell publishes to its outputs folder.
        case figurePublish = "figure-publish"
        /// Before the report is written.
        case report
    }

    private static let target: (Point, Int)? = {
        guard let spec = ProcessInfo.processInfo.environment["AMSGA_FAULT"] else { return nil }
        let parts = spec.split(separator: ":").map(String.init)
        guard parts.count == 2, let p = Point(rawValue: parts[0]), let n = Int(parts[1]), n > 0 else { return nil }
        return (p, n)
    }()
    private nonisolated(unsafe) static var reached: [Point: Int] = [:]
    private static let lock = NSLock()

    public static func reach(_ point: Point) {
        guard let target, target.0 == point else { return }
        lock.lock()
        reached[point, default: 0] += 1
        let n = reached[point]!
        lock.unlock()
        if n == target.1 { kill(getpid(), SIGKILL) }
    }
}
