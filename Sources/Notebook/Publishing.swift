import Foundation
import RunStore

/// The publisher: copies entries' figures and traces to a parameter set's
/// outputs folder, and tells git which entries to keep.
extension NotebookRunner {
    /// Copies an entry's figures and traces to this parameter set's outputs,
    /// with the traces of the sweep points it read (what its tables rest on).
    func publish(_ i: Int, _ e: CacheEntry) throws {
        let points = e.state.sweepReads.compactMap { s in (try? child(s.point))?.entry(s.cell).map { (read: s, entry: $0) } }
        // Points that train runs of one name (the same cell at several seeds)
        // publish them apart, except the point that is this set's own result.
        var entriesOfRun: [String: Set<String>] = [:]
        for p in points { for r in p.entry.state.runs { entriesOfRun[r, default: []].insert(p.entry.state.key) } }
        for p in points {
            let own = entry(p.read.cell)?.state.key == p.entry.state.key
            for r in p.entry.state.runs where RunFile.isComplete(path: p.entry.tracePath(r)) {
                let shared = !own && (entriesOfRun[r]?.count ?? 0) > 1
                try CacheStore.copyIfDifferent(p.entry.tracePath(r), to: tracePath(shared ? pointRunName(r, point: p.read.point) : r))
            }
        }
        for f in e.state.figures where FileManager.default.fileExists(atPath: e.figurePath(f)) {
            try CacheStore.copyIfDifferent(e.figurePath(f), to: outputDirectory + "/" + f)
            FaultInjection.reach(.figurePublish)
        }
        var published = PublishedFigures(folder: outputDirectory)
        try published.replace(cell: slug(i), with: e.state.figures, in: outputDirectory)
        for r in e.state.runs {
            if !RunFile.isComplete(path: e.tracePath(r)), let full = availableRun(i, r, entry: e) {
                try exportTrace(from: full, to: e.tracePath(r), cell: i, key: e.state.key)
                try EntryDigests.write(e.directory)
            }
            if RunFile.isComplete(path: e.tracePath(r)) { try CacheStore.copyIfDifferent(e.tracePath(r), to: tracePath(r)) }
        }
    }

    /// Git keeps the entries the defaults use now, and those they read
    /// through sweeps (see `CacheStore.writeGitignore`).
    func writeGitignore() throws {
        for note in try store.writeGitignore(keeping: Array(usedEntries())) { log("note: " + note) }
    }

    /// The entries this set's results rest on, as `<NN-cell>/<key prefix>`:
    /// each cell's, the cells it read, and the sweep points it read (what git
    /// keeps of the defaults, and what `clean --keep-defaults` keeps).
    func usedEntries() -> Set<String> {
        var kept = Set<String>()
        func keep(_ r: NotebookRunner, _ i: Int) {
            guard let e = r.entry(i), kept.insert(slug(i) + "/" + e.state.key.prefix(16)).inserted else { return }
            for up in e.state.reads.keys { keep(r, up) }
            for s in e.state.sweepReads { if let c = try? r.child(s.point) { keep(c, s.cell) } }
        }
        for i in notebook.cells.indices { keep(self, i) }
        return kept
    }

    /// A figure of cell i as a reader is shown it (report, Jupyter export):
    /// from the cell's entry for this set, else as published in its outputs folder.
    func figureData(_ name: String, cell i: Int) -> Data? {
        entry(i).flatMap { FileManager.default.contents(atPath: $0.figurePath(name)) }
            ?? FileManager.default.contents(atPath: outputDirectory + "/" + name)
    }
}
