import Foundation

/// Where tests write their files: a name of one test's own inside one folder
/// per test process, `$TMPDIR/amsga-tests-<pid>`, which is removed when the
/// process exits.
///
/// Tests used to create their folders straight under `$TMPDIR` and leave most
/// of them behind, about 1 GiB per suite run (the fuzz tests' run files
/// alone 354 MiB), so that some forty runs had filled 44 GiB. A process that
/// dies before its exit handlers run cannot clean up; the next one removes the
/// folders of processes that are no longer alive.
public enum Scratch {
    /// A fresh path inside the process's scratch folder; nothing is created there.
    public static func path(_ label: String) -> String {
        root + "/" + label + "-" + UUID().uuidString
    }

    /// A fresh, empty folder inside the process's scratch folder.
    public static func folder(_ label: String) throws -> String {
        let dir = path(label)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static let prefix = "amsga-tests-"

    /// Created on first use, with the exit handler that removes it.
    public static let root: String = {
        let base = NSTemporaryDirectory()
        removeAbandoned(in: base)
        let dir = base + prefix + String(getpid())
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: Scratch.root) }
        return dir
    }()

    /// Scratch folders whose process is gone (a test process killed or crashed).
    static func removeAbandoned(in base: String) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []
        for name in names where name.hasPrefix(prefix) {
            guard let pid = pid_t(name.dropFirst(prefix.count)), pid != getpid() else { continue }
            if kill(pid, 0) != 0, errno == ESRCH {
                try? FileManager.default.removeItem(atPath: base + name)
            }
        }
    }
}
