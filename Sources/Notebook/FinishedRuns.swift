import Foundation
import HDF5

/// A finished run looked up by its configuration in the other notebooks'
/// caches under the same outputs folder, so that a study which trains a
/// configuration another notebook already finished on the same data (the
/// readings notebook's confirmation against Table I's baseline, say) reads
/// that run instead of training it again for hours. The reader publishes its
/// own copy of the trace, so its entry stands alone afterwards.
struct FinishedRuns {
    /// `outputs/`, the folder holding every notebook's folder.
    let outputs: String
    /// The notebook whose own cache was searched already.
    let skipping: String

    /// The finished run file, or an entry's trace copy that carries the entry's
    /// key, of configuration `hash` on data with fingerprint `fingerprint`.
    func find(configHash hash: String, dataset: String, fingerprint: String?) -> String? {
        let fm = FileManager.default
        let notebooks = ((try? fm.contentsOfDirectory(atPath: outputs)) ?? []).filter { $0 != skipping && !$0.hasPrefix(".") }.sorted()
        for nb in notebooks {
            let store = CacheStore(directory: outputs + "/" + nb + "/cache")
            for cell in ((try? fm.contentsOfDirectory(atPath: store.directory)) ?? []).filter({ !$0.hasPrefix(".") }).sorted() {
                for dir in store.entryDirectories(cell) {
                    // The state alone first: verifying an entry's digests reads every file of it.
                    guard let state = Self.state(dir), state.data[dataset] == fingerprint,
                        state.runParameters.values.contains(hash), let entry = try? CacheStore.readEntry(dir)
                    else { continue }
                    for (name, h) in entry.state.runParameters where h == hash {
                        if let run = store.availableRun(cell, name, entry: entry) { return run }
                    }
                }
            }
        }
        return nil
    }

    static func state(_ entry: String) -> CellState? {
        guard let f = try? HDF5File.open(entry + "/state.h5") else { return nil }
        defer { try? f.close() }
        return try? CellState.read(from: f.root)
    }

}
