import Crypto
import Datasets
import Foundation
import RunStore

/// What a cell records of the library it ran with, and what changed since.
extension NotebookRunner {
    /// SHA-256 of each library module's sources (`Sources/<Module>/` of the
    /// package the executable was built from, `SourceTree`), as JSON sorted by module; else of
    /// the executable. A cell records it, so that a later note names the
    /// modules that changed since it ran.
    public static let libraryFingerprint: String = {
        let root = URL(fileURLWithPath: (SourceTree.root ?? "/nonexistent") + "/Sources")
        var digests: [String: String] = [:]
        if let e = FileManager.default.enumerator(atPath: root.path) {
            let files = (e.allObjects as? [String] ?? []).filter { $0.hasSuffix(".swift") || $0.hasSuffix(".h") }.sorted()
            var hashers: [String: SHA256] = [:]
            for f in files {
                guard let d = FileManager.default.contents(atPath: root.path + "/" + f) else { continue }
                let module = String(f.split(separator: "/").first ?? "")
                hashers[module, default: SHA256()].update(data: Data(f.utf8))
                hashers[module, default: SHA256()].update(data: d)
            }
            for (m, h) in hashers { digests[m] = Verification.hex(h.finalize()) }
        }
        if digests.isEmpty, let d = FileManager.default.contents(atPath: "/proc/self/exe") {
            digests["executable"] = Verification.sha256Hex(d)
        }
        return CanonicalJSON.string(digests)
    }()

    /// The modules whose sources differ between two fingerprints; nil when the
    /// recorded one predates per-module digests (`*`, see `CellState.library`).
    public static func changedModules(since recorded: String) -> [String]? {
        guard let then = try? JSONDecoder().decode([String: String].self, from: Data(recorded.utf8)), then["*"] == nil,
            let now = try? JSONDecoder().decode([String: String].self, from: Data(libraryFingerprint.utf8))
        else { return nil }
        return Set(then.keys).union(now.keys).filter { then[$0] != now[$0] }.sorted()
    }
}
