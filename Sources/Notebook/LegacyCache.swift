import Foundation
import HDF5
import RunStore

/// Caches written before results were kept per key held one state file per
/// cell (`cache/NN-cell.h5`), run files beside it (`cache/NN-cell.<run>.run.h5`)
/// and figures and traces only in `outputs/<notebook>/`. They are moved into
/// the keyed layout once, on the first run, so that nothing computed is lost.
extension NotebookRunner {
    func migrateLegacyLayout() throws {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: cacheDirectory)) ?? []
        guard files.contains(where: { $0.hasSuffix(".h5") }) else { return }
        for i in notebook.cells.indices {
            let prefix = slug(i) + "."
            for f in files where f.hasPrefix(prefix) && f.hasSuffix(".run.h5") {
                try moveLegacyRun(cacheDirectory + "/" + f, cell: i)
            }
            guard files.contains(slug(i) + ".h5") else { continue }
            let legacy = cacheDirectory + "/" + slug(i) + ".h5"
            let state: CellState
            do {
                let h = try HDF5File.open(legacy)
                defer { try? h.close() }
                state = try CellState.read(from: h.root)
            } catch {
                log("note: \(legacy) is unreadable (\(error)); left in place, not used")
                continue
            }
            let staging = try store.stage(slug(i))
            try FileManager.default.copyItem(atPath: legacy, toPath: staging + "/state.h5")
            for fig in state.figures where FileManager.default.fileExists(atPath: notebookDirectory + "/" + fig) {
                try FileManager.default.copyItem(atPath: notebookDirectory + "/" + fig, toPath: staging + "/figures/" + fig)
            }
            for r in state.runs {
                let trace = notebookDirectory + "/traces/" + r + ".h5"
                guard RunFile.isComplete(path: trace), let h = try? HDF5File.open(trace) else { continue }
                let key = try? h.root.attribute("cell_key").string
                try? h.close()
                if key == state.key { try FileManager.default.copyItem(atPath: trace, toPath: staging + "/traces/" + r + ".h5") }
            }
            _ = try store.commit(staging, slug: slug(i), key: state.key)
            try FileManager.default.removeItem(atPath: legacy)
            log("[\(i + 1)] \(notebook.cells[i].name): cache entry moved to \(slug(i))/\(state.key.prefix(16))/")
        }
        try? FileManager.default.removeItem(atPath: cacheDirectory + "/.lock")
        memo = Memo(data: memo.data)
    }

    /// A run file (finished or not) moves to the path its configuration names.
    private func moveLegacyRun(_ path: String, cell i: Int) throws {
        guard let summary = RunFile.summary(path: path) else {
            log("note: \(path) is not a complete run file; left in place, not used")
            return
        }
        let target = store.runPath(slug(i), run: String(path.split(separator: "/").last!.dropFirst(slug(i).count + 1).dropLast(7)),
                                   configHash: CellState.sha256(summary.parametersJSON))
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        guard !FileManager.default.fileExists(atPath: target) else { return }
        guard rename(path, target) == 0 else { throw NotebookError("cannot move \(path) to \(target): \(String(cString: strerror(errno)))") }
    }
}
