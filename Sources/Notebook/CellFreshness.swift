import Crypto
import Datasets
import Foundation

/// Which cached entry, if any, is a cell's result for this parameter set, and
/// why a cell is stale when none is.
extension NotebookRunner {
    public struct Status: Sendable {
        public var fresh: Bool
        public var reasons: [String]
        /// Informational: the library changed since the cell ran (does not make it stale).
        public var notes: [String]
    }

    /// The digests of the library modules written over the engine that the notebook imports.
    var keyedLibraries: [String: String] { LibraryDigests.keyed(imports: source.imports) }

    func sourceHash(_ i: Int) -> String {
        let code = source.sections[i].code
        return CellState.sha256(source.helpers.isEmpty ? code : code + "\n// helpers\n" + source.helpers)
    }

    /// The lookups made since the cache last changed through this store (or its sweep points').
    func current() {
        if lookups.generation != store.generation.value { lookups = CacheLookups(generation: store.generation.value) }
    }

    /// Cell i's entries, read once while the cache is unchanged; the unreadable ones with their error.
    func entries(_ i: Int) -> (readable: [CacheEntry], unreadable: [(String, Error)]) {
        current()
        if let m = lookups.entries[i] { return m }
        var readable: [CacheEntry] = []
        var unreadable: [(String, Error)] = []
        for dir in store.entryDirectories(slug(i)) {
            do { readable.append(try CacheStore.readEntry(dir)) } catch { unreadable.append((dir, error)) }
        }
        lookups.entries[i] = (readable, unreadable)
        return (readable, unreadable)
    }

    /// SHA-256 of the dataset's files as stored (gzip bytes), cached per invocation.
    func dataFingerprint(_ d: DatasetName) throws -> String {
        if let f = dataFingerprints[d.rawValue] { return f }
        let folder = try locator.folder(for: d)
        var h = SHA256()
        for part in DatasetName.Part.allCases {
            h.update(data: try Data(contentsOf: URL(fileURLWithPath: DataLocator.file(part, in: folder)!)))
        }
        let f = Verification.hex(h.finalize())
        dataFingerprints[d.rawValue] = f
        return f
    }

    /// The key entry `e` of cell i would have now, from what it read when it
    /// ran; nil when that cannot be known (an input gone or stale).
    func keyNow(_ e: CacheEntry, cell i: Int) -> String? {
        let s = e.state
        var params: [String: String] = [:]
        var reads: [Int: String] = [:]
        var data: [String: String] = [:]
        for name in s.parameters.keys {
            guard let v = parameters[name] else { return nil }
            params[name] = v.description
        }
        for up in s.reads.keys {
            guard up < i, let k = currentKey(up) else { return nil }
            reads[up] = k
        }
        for d in s.data.keys {
            guard let ds = DatasetName(rawValue: d), let f = try? dataFingerprint(ds) else { return nil }
            data[d] = f
        }
        var sweeps: [SweepRead] = []
        for r in s.sweepReads {
            guard r.cell < notebook.cells.count, let c = try? child(r.point),
                let k = c.currentKey(r.cell)
            else { return nil }
            sweeps.append(SweepRead(cell: r.cell, point: r.point, key: k))
        }
        return CellState.key(
            sourceHash: sourceHash(i), parameters: params, reads: reads, data: data, sweeps: sweeps, libraries: keyedLibraries)
    }

    /// The entry that is cell i's result for this parameter set (its key
    /// matches now), the most recently run one if several do.
    public func entry(_ i: Int) -> CacheEntry? {
        current()
        if let m = lookups.match[i] { return m }
        let found = entries(i).readable.filter { keyNow($0, cell: i) == $0.state.key }.max { $0.state.ranAt < $1.state.ranAt }
        lookups.match[i] = .some(found)
        return found
    }

    /// The key cell i has now, when one of its entries matches.
    func currentKey(_ i: Int) -> String? { entry(i)?.state.key }

    /// The state of cell i's matching entry, else of the entry closest to this
    /// parameter set (what `status` compares against).
    public func storedState(_ i: Int) throws -> CellState {
        if let e = entry(i) { return e.state }
        if let c = closest(i) { return c.entry.state }
        if let bad = entries(i).unreadable.first { throw NotebookError("\(bad.0): \(bad.1)") }
        throw NotebookError("never run")
    }

    /// The readable entry with the fewest reasons to be stale (the newest on a tie).
    func closest(_ i: Int) -> (entry: CacheEntry, reasons: [String])? {
        current()
        if let m = lookups.closest[i] { return m }
        let found = entries(i).readable.map { ($0, staleReasons($0, cell: i)) }
            .min { a, b in a.1.count != b.1.count ? a.1.count < b.1.count : a.0.state.ranAt > b.0.state.ranAt }
        lookups.closest[i] = .some(found.map { (entry: $0.0, reasons: $0.1) })
        return found.map { (entry: $0.0, reasons: $0.1) }
    }

    func staleReasons(_ e: CacheEntry, cell i: Int) -> [String] {
        let s = e.state
        var reasons: [String] = []
        if s.sourceHash != sourceHash(i) { reasons.append("source changed") }
        let libraries = keyedLibraries
        for m in Set(s.libraries.keys).union(libraries.keys).sorted() where s.libraries[m] != libraries[m] {
            reasons.append(
                libraries[m] == nil
                    ? "library \(m) no longer imported" : s.libraries[m] == nil ? "library \(m) now keyed" : "library \(m) changed")
        }
        for (name, old) in s.parameters.sorted(by: { $0.key < $1.key }) {
            if let now = parameters[name]?.description {
                if now != old { reasons.append("parameter \(name) changed (\(old) → \(now))") }
            } else {
                reasons.append("parameter \(name) no longer declared")
            }
        }
        for (up, old) in s.reads.sorted(by: { $0.key < $1.key }) {
            // The key the upstream cell has now, or would have if it ran as its closest entry did.
            if let now = currentKey(up) ?? closest(up).flatMap({ keyNow($0.entry, cell: up) }) {
                if now != old { reasons.append("upstream cell \(up + 1) changed") }
            } else {
                reasons.append("upstream cell \(up + 1) is stale")
            }
        }
        for (d, old) in s.data.sorted(by: { $0.key < $1.key }) {
            let now = DatasetName(rawValue: d).flatMap { try? dataFingerprint($0) }
            if now != old { reasons.append(now == nil ? "data \(d) not found" : "data \(d) changed") }
        }
        for r in s.sweepReads {
            let now = (try? child(r.point))?.currentKey(r.cell)
            if now != r.key { reasons.append("cell \(r.cell + 1) at \(r.pointText) \(now == nil ? "is stale" : "changed")") }
        }
        if reasons.isEmpty, keyNow(e, cell: i) != s.key { reasons.append("cache key changed") }
        return reasons
    }

    public func status(_ i: Int) -> Status {
        guard let e = entry(i) else {
            if let c = closest(i) { return Status(fresh: false, reasons: c.reasons, notes: []) }
            if let bad = entries(i).unreadable.first { return Status(fresh: false, reasons: ["state unreadable: \(bad.1)"], notes: []) }
            return Status(fresh: false, reasons: ["output missing (never run)"], notes: [])
        }
        var reasons: [String] = []
        for f in e.state.figures where !FileManager.default.fileExists(atPath: e.figurePath(f)) {
            reasons.append("output missing (figure \(f))")
        }
        for r in e.state.runs where availableRun(i, r, entry: e) == nil {
            reasons.append("output missing (run \(r))")
        }
        let notes: [String]
        switch Self.changedModules(since: e.state.library) {
        case nil: notes = ["library changed since it ran (recorded before per-module digests)"]
        case let changed? where changed.isEmpty: notes = []
        case let changed?: notes = ["library changed since it ran: " + changed.joined(separator: ", ")]
        }
        return Status(fresh: reasons.isEmpty, reasons: reasons, notes: notes)
    }
}

/// Cache lookups of one runner, valid for one generation of the cache.
struct CacheLookups {
    let generation: Int
    var entries: [Int: (readable: [CacheEntry], unreadable: [(String, Error)])] = [:]
    var match: [Int: CacheEntry?] = [:]
    var closest: [Int: (entry: CacheEntry, reasons: [String])?] = [:]
}
