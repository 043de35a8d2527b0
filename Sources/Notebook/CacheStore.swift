import Foundation
import HDF5
import RunStore

/// One cell's cached result for one cache key: a folder holding its state
/// file, the figures it drew and trace-only copies of its runs. Entries are
/// never edited: a cell that runs again with the same key replaces its entry
/// whole, so results of every parameter set stay side by side.
public struct CacheEntry: Sendable {
    public let directory: String
    public let state: CellState

    public var statePath: String { directory + "/state.h5" }
    /// `git diff` of the code the cell ran with against its commit, when they differed.
    public static let uncommittedDiffName = "uncommitted.diff"
    public func figurePath(_ name: String) -> String { directory + "/figures/" + name }
    public func tracePath(_ run: String) -> String { directory + "/traces/" + run + ".h5" }

    /// When the entry was last run or reused (the folder's modification time, set on use).
    public var lastUsed: Date {
        ((try? FileManager.default.attributesOfItem(atPath: directory))?[.modificationDate] as? Date) ?? .distantPast
    }

    /// Bytes of every file in the entry.
    public var bytes: Int { CacheStore.bytes(under: directory) }
}

/// The layout of a notebook's cache folder, `outputs/<notebook>/cache/`:
///
///     <NN-cell>/<key>/state.h5          an entry (key: the first 16 hex digits of the cache key)
///     <NN-cell>/<key>/figures/*.svg     figures the cell drew
///     <NN-cell>/<key>/traces/<run>.h5   trace-only copies of its runs
///     <NN-cell>/<key>/uncommitted.diff  the code's changes against its commit, when it had some
///     <NN-cell>/runs/<run>-<config>.run.h5   full run files with checkpoints,
///                                       addressed by their configuration's hash
///     .gitignore                        written by amsga: git keeps the defaults' entries only
///     .locks/                           flock files
struct CacheStore {
    let directory: String
    /// Moves on with every entry committed or removed through this store, so
    /// that lookups made before (`NotebookRunner.lookups`) are not trusted after.
    let generation = CacheGeneration()

    func cellDirectory(_ slug: String) -> String { directory + "/" + slug }
    func entryDirectory(_ slug: String, key: String) -> String { cellDirectory(slug) + "/" + key.prefix(16) }
    func runPath(_ slug: String, run: String, configHash: String) -> String {
        cellDirectory(slug) + "/runs/" + run + "-" + configHash.prefix(16) + ".run.h5"
    }

    /// The finished run file of run `name` that entry `e` of cell `slug`
    /// recorded, else the entry's trace-only copy when that carries the entry's key.
    func availableRun(_ slug: String, _ name: String, entry e: CacheEntry) -> String? {
        if let hash = e.state.runParameters[name] {
            let full = runPath(slug, run: name, configHash: hash)
            if let r = RunFile.summary(path: full), r.finished, CellState.sha256(r.parametersJSON) == hash { return full }
        }
        let t = e.tracePath(name)
        guard RunFile.isComplete(path: t), let f = try? HDF5File.open(t) else { return nil }
        defer { try? f.close() }
        return (try? f.root.attribute("cell_key").string) == e.state.key ? t : nil
    }

    /// The entry folders of a cell, readable or not.
    func entryDirectories(_ slug: String) -> [String] {
        let dir = cellDirectory(slug)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { !$0.hasPrefix(".") && $0 != "runs" }.map { dir + "/" + $0 }.sorted()
    }

    static func readEntry(_ directory: String) throws -> CacheEntry {
        let path = directory + "/state.h5"
        guard FileManager.default.fileExists(atPath: path) else { throw NotebookError("\(path) is missing") }
        try EntryDigests.verify(directory)
        let f = try HDF5File.open(path)
        defer { try? f.close() }
        return CacheEntry(directory: directory, state: try CellState.read(from: f.root))
    }

    /// A fresh private folder to build an entry in.
    func stage(_ slug: String) throws -> String {
        let dir = cellDirectory(slug) + "/.tmp-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir + "/figures", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/traces", withIntermediateDirectories: true)
        return dir
    }

    /// Moves a finished staging folder into place as the entry for `key`,
    /// replacing an older entry of the same key (a forced re-run, or a corrupt
    /// one). When another process moves its entry of the same key into place
    /// first (two sweep points sharing a cell), that one is kept.
    func commit(_ staging: String, slug: String, key: String) throws -> String {
        try EntryDigests.write(staging)
        FaultInjection.reach(.entryCommit)
        let target = entryDirectory(slug, key: key)
        let aside = staging + "-replaced"
        defer { try? FileManager.default.removeItem(atPath: aside) }
        if FileManager.default.fileExists(atPath: target) { _ = rename(target, aside) }
        generation.value += 1
        if rename(staging, target) == 0 { return target }
        let problem = errno
        if problem == ENOTEMPTY || problem == EEXIST, FileManager.default.fileExists(atPath: target + "/state.h5") { return target }
        throw NotebookError("cannot move \(staging) into place at \(target): \(String(cString: strerror(problem)))")
    }

    /// Removes an entry folder or a run file.
    func remove(_ path: String) throws {
        generation.value += 1
        try FileManager.default.removeItem(atPath: path)
    }

    /// Marks an entry as used now (`amsga clean --unused-since` reads it).
    func touch(_ entry: CacheEntry) { utimes(entry.directory, nil) }

    /// Staging folders of processes that are gone (a killed run) are removed.
    func removeAbandonedStaging(_ slug: String) {
        let dir = cellDirectory(slug)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where name.hasPrefix(".tmp-") {
            let pid = name.dropFirst(5).split(separator: "-").first.flatMap { Int32($0) } ?? 0
            if processHasEnded(pid) { try? FileManager.default.removeItem(atPath: dir + "/" + name) }
        }
    }

    /// Bytes of a file, or of every file under a folder.
    static func bytes(under path: String) -> Int {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return 0 }
        guard isDirectory.boolValue else { return ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0 }
        guard let e = FileManager.default.enumerator(atPath: path) else { return 0 }
        var total = 0
        for case let f as String in e {
            total += ((try? FileManager.default.attributesOfItem(atPath: path + "/" + f))?[.size] as? Int) ?? 0
        }
        return total
    }

    /// Copies `from` to `to` unless `to` already holds the same bytes (so that
    /// files git tracks are not rewritten needlessly).
    static func copyIfDifferent(_ from: String, to: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: from))
        if FileManager.default.contents(atPath: to) == data { return }
        try FileManager.default.createDirectory(atPath: (to as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: to), options: .atomic)
    }
}

/// A counter shared by every runner of one cache in a process (a parameter
/// set and its sweep points), so that one's commit is seen by all.
final class CacheGeneration {
    var value = 0
}
