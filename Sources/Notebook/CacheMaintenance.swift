import Foundation
import RunStore

/// What `amsga cache` lists and `amsga clean` removes.
extension NotebookRunner {
    public struct CachedEntry: Sendable {
        public var entry: CacheEntry
        /// The parameters the cell read, `name=value`.
        public var parameters: String
        public var bytes: Int
        public var lastUsed: Date
        /// The entry is this runner's parameter set's result.
        public var current: Bool
    }

    public struct CachedCell: Sendable {
        public var index: Int
        public var name: String
        public var entries: [CachedEntry]
        public var unreadable: [String]
        /// Run files (with checkpoints), their size, and how far each got.
        public var runFiles: [CachedRunFile]
    }

    public struct CachedRunFile: Sendable {
        public var path: String
        public var bytes: Int
        /// Nil for a file that is not a complete run file.
        public var progress: RunFile.Progress?
        public var finished: Bool { progress?.finished ?? false }
    }

    /// Every cell's entries, newest first, with the run files kept beside them.
    public func cacheListing() -> [CachedCell] {
        notebook.cells.indices.map { i in
            let current = entry(i)?.directory
            let found = entries(i)
            let listed = found.readable.sorted { $0.state.ranAt > $1.state.ranAt }.map { e in
                CachedEntry(
                    entry: e,
                    parameters: e.state.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                        .joined(separator: " "),
                    bytes: e.bytes, lastUsed: e.lastUsed, current: e.directory == current)
            }
            return CachedCell(
                index: i, name: notebook.cells[i].name, entries: listed,
                unreadable: found.unreadable.map(\.0),
                runFiles: runFiles(i).map { p in
                    CachedRunFile(path: p, bytes: CacheStore.bytes(under: p), progress: RunFile.progress(path: p))
                })
        }
    }

    func runFiles(_ i: Int) -> [String] {
        let dir = store.cellDirectory(slug(i)) + "/runs"
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".run.h5") }.sorted()
            .map { dir + "/" + $0 }
    }

    public struct CleanSummary: Sendable {
        public var entries = 0
        public var runFiles = 0
        public var bytes = 0
    }

    /// Removes cached entries of `cells` (every cell when empty) and the run
    /// files no kept entry uses. With neither option, everything of those cells
    /// goes; `keepDefaults` keeps the entries the notebook's defaults use (what
    /// git keeps); `unusedSince` keeps what was run or reused since that date.
    public func clean(cells: [Int] = [], keepDefaults: Bool = false, unusedSince: Date? = nil) throws -> CleanSummary {
        let lock = try NotebookLock(cache: cacheDirectory, notebook: notebook.name, shared: false)
        defer { lock.release() }
        let defaults =
            keepDefaults
            ? try NotebookRunner(
                notebook, source: source,
                parameters: Dictionary(uniqueKeysWithValues: notebook.parameters.map { ($0.name, $0.value) }),
                outputs: (notebookDirectory as NSString).deletingLastPathComponent,
                locator: locator, threads: threads, store: store) : nil
        if let defaults {
            // Which entries the defaults use can only be told when every input
            // of theirs can be read (the data found, say); when it cannot, none is removed.
            for i in cells.isEmpty ? Array(notebook.cells.indices) : cells
            where defaults.entry(i) == nil && !store.entryDirectories(slug(i)).isEmpty {
                throw NotebookError(
                    "cannot tell which entry of cell \(i + 1) (\(notebook.cells[i].name)) the defaults use: "
                        + defaults.status(i).reasons.joined(separator: "; ") + "; nothing was removed")
            }
        }
        let used = defaults?.usedEntries() ?? []
        var summary = CleanSummary()
        func remove(_ path: String) throws {
            summary.bytes += CacheStore.bytes(under: path)
            try store.remove(path)
        }
        for i in cells.isEmpty ? Array(notebook.cells.indices) : cells {
            var kept: [CacheEntry] = []
            for dir in store.entryDirectories(slug(i)) {
                let e = try? CacheStore.readEntry(dir)
                let lastUse = ((try? FileManager.default.attributesOfItem(atPath: dir))?[.modificationDate] as? Date) ?? .distantPast
                if used.contains(slug(i) + "/" + (dir as NSString).lastPathComponent) || (unusedSince.map { lastUse >= $0 } ?? false) {
                    if let e { kept.append(e) }
                    continue
                }
                try remove(dir)
                summary.entries += 1
            }
            let needed = Set(kept.flatMap { e in e.state.runParameters.map { store.runPath(slug(i), run: $0.key, configHash: $0.value) } })
            for run in runFiles(i) where !needed.contains(run) {
                let modified = ((try? FileManager.default.attributesOfItem(atPath: run))?[.modificationDate] as? Date) ?? .distantPast
                if let since = unusedSince, modified >= since { continue }
                try remove(run)
                try? FileManager.default.removeItem(atPath: run + ".lock")
                summary.runFiles += 1
            }
        }
        return summary
    }
}
