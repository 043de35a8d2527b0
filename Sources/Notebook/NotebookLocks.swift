import Foundation
import RunStore

/// flock-based locks on a notebook's cache (`cache/.locks/`).
///
/// - Every run holds the cache's lock *shared*; `clean` holds it exclusively,
///   so that nothing is deleted under a run.
/// - A run holds its parameter set's lock exclusively: two runs of the same
///   set would do the same work, so the second is refused. Runs of different
///   sets (a sweep's points) go on side by side: their entries have different
///   keys and are moved into place whole.
public final class NotebookLock {
    let fd: Int32
    let exclusive: Bool

    /// The whole cache: shared for runs, exclusive for `clean`.
    public convenience init(cache: String, notebook: String, shared: Bool) throws {
        try self.init(
            path: cache + "/.locks/cache.lock", operation: shared ? LOCK_SH : LOCK_EX,
            busy: shared
                ? "amsga clean of notebook '\(notebook)' is in progress (pid %@); wait for it"
                : "a run of notebook '\(notebook)' is in progress (pid %@); clean when it has finished")
    }

    /// One parameter set (`overrides` empty: the defaults). `note` hears of a
    /// lock whose holder died without releasing it (killed), taken over.
    public convenience init(cache: String, notebook: String, parameterSet overrides: [String], note: (String) -> Void = { _ in }) throws {
        let name = overrides.isEmpty ? "defaults" : CellState.sha256(overrides.joined(separator: "\n")).prefix(16)
        let set = overrides.isEmpty ? "its defaults" : overrides.joined(separator: " ")
        try self.init(
            path: cache + "/.locks/set-\(name).lock", operation: LOCK_EX,
            busy: "another amsga run of notebook '\(notebook)' with \(set) is in progress (pid %@); wait for it or stop it",
            note: note)
    }

    init(path: String, operation: Int32, busy: String, note: (String) -> Void = { _ in }) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        fd = open(path, O_RDWR | O_CREAT, 0o644)
        exclusive = operation == LOCK_EX
        guard fd >= 0 else { throw NotebookError("cannot open the lock \(path): \(String(cString: strerror(errno)))") }
        if flock(fd, operation | LOCK_NB) != 0 {
            let pid = Self.holder(fd)
            close(fd)
            throw NotebookError(busy.replacingOccurrences(of: "%@", with: pid))
        }
        if operation == LOCK_EX {
            // A finished run clears its pid; one still written belongs to a run that was killed.
            let previous = Self.holder(fd)
            if let pid = Int32(previous), pid != getpid(), processHasEnded(pid) {
                note("note: the last run that held \(path) (pid \(pid)) ended without releasing it (killed?); taken over")
            }
            Self.writePID(fd)
        }
    }

    /// Releases the lock; an exclusive holder's pid is cleared (a clean end).
    public func release() {
        if exclusive { ftruncate(fd, 0) }
        flock(fd, LOCK_UN)
        close(fd)
    }

    static func holder(_ fd: Int32) -> String {
        var buf = [UInt8](repeating: 0, count: 32)
        let n = pread(fd, &buf, 31, 0)
        return n > 0 ? String(decoding: buf[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
    }

    static func writePID(_ fd: Int32) {
        ftruncate(fd, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
    }
}

/// An exclusive lock on one run file, waited for: two parameter sets whose
/// cells train the same configuration (a sweep over another cell's parameter)
/// train it once; the second finds the finished run.
final class RunLock {
    let fd: Int32

    init(runPath: String, log: (String) -> Void) throws {
        let path = runPath + ".lock"
        fd = open(path, O_RDWR | O_CREAT, 0o644)
        guard fd >= 0 else { throw NotebookError("cannot open the lock \(path): \(String(cString: strerror(errno)))") }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            log("waiting for pid \(NotebookLock.holder(fd)), which is training the same run (\(runPath))")
            guard flock(fd, LOCK_EX) == 0 else {
                close(fd)
                throw NotebookError("cannot lock \(path): \(String(cString: strerror(errno)))")
            }
        }
        NotebookLock.writePID(fd)
    }

    func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }

    /// Whether a process trains the run at `runPath` now. Asking takes a shared
    /// lock for an instant; a run starting in that instant waits for it, as
    /// for any holder, and does not fail.
    static func isHeld(runPath: String) -> Bool {
        let fd = open(runPath + ".lock", O_RDONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard flock(fd, LOCK_SH | LOCK_NB) == 0 else { return errno == EWOULDBLOCK }
        flock(fd, LOCK_UN)
        return false
    }
}
