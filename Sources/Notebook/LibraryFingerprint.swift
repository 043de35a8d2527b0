import Crypto
import Datasets
import Foundation
import RunStore

/// What a cell records of the library it ran with, and what changed since.
extension NotebookRunner {
    /// SHA-256 of each library module's sources as JSON sorted by module
    /// (`LibraryDigests.modules`). A cell records it, so that a later note
    /// names the modules that changed since it ran.
    public static let libraryFingerprint: String = CanonicalJSON.string(LibraryDigests.modules)

    /// The modules whose sources differ between two fingerprints; nil when the
    /// recorded one predates per-module digests (`*`, see `CellState.library`).
    public static func changedModules(since recorded: String) -> [String]? {
        guard let then = try? JSONDecoder().decode([String: String].self, from: Data(recorded.utf8)), then["*"] == nil
        else { return nil }
        let now = LibraryDigests.modules
        return Set(then.keys).union(now.keys).filter { then[$0] != now[$0] }.sorted()
    }
}

/// The library's modules as the key sees them. Most are the project's lower
/// layers (tensors, datasets, training): a change there is informational, or
/// every refactor would rerun every cell. A module written over the engine
/// (one that imports `Notebook`, like `Studies`) is notebook code shared by
/// several notebooks, so it is keyed like a notebook's own helpers: its digest
/// enters the key of every cell of a notebook that imports it.
public enum LibraryDigests {
    /// SHA-256 of each module's sources (`Sources/<Module>/` of the package the
    /// executable was built from, `SourceTree`); else of the executable, under `executable`.
    public static let modules: [String: String] = {
        var digests: [String: String] = [:]
        for (module, files) in sources {
            var h = SHA256()
            for (path, data) in files {
                h.update(data: Data(path.utf8))
                h.update(data: data)
            }
            digests[module] = Verification.hex(h.finalize())
        }
        if digests.isEmpty, let d = FileManager.default.contents(atPath: "/proc/self/exe") {
            digests["executable"] = Verification.sha256Hex(d)
        }
        return digests
    }()

    /// The modules that import the engine (`import Notebook` in one of their files).
    public static let overTheEngine: Set<String> = Set(
        sources.filter { _, files in
            files.contains { _, data in
                String(decoding: data, as: UTF8.self).split(separator: "\n").contains {
                    $0.trimmingCharacters(in: .whitespaces) == "import Notebook"
                }
            }
        }.map(\.key))

    /// The digests a notebook's cells are keyed on: those of the modules it
    /// imports that are written over the engine.
    public static func keyed(imports: [String]) -> [String: String] {
        imports.reduce(into: [:]) { out, m in
            if overTheEngine.contains(m), let d = modules[m] { out[m] = d }
        }
    }

    /// The files of a module's sources (absolute paths), so that a binary built
    /// before an edit of a keyed module can refuse to key cells on it.
    public static func sourceFiles(_ module: String) -> [String] {
        let root = (SourceTree.root ?? "/nonexistent") + "/Sources/"
        return (sources[module] ?? []).map { root + $0.path }
    }

    /// Each module's `.swift` and `.h` files (path under `Sources/`, contents), sorted by path.
    private static let sources: [String: [(path: String, data: Data)]] = {
        let root = (SourceTree.root ?? "/nonexistent") + "/Sources"
        let all = (FileManager.default.enumerator(atPath: root)?.allObjects as? [String]) ?? []
        var out: [String: [(String, Data)]] = [:]
        for f in all.filter({ $0.hasSuffix(".swift") || $0.hasSuffix(".h") }).sorted() {
            guard let d = FileManager.default.contents(atPath: root + "/" + f) else { continue }
            out[String(f.split(separator: "/").first ?? ""), default: []].append((f, d))
        }
        return out
    }()
}
