import Foundation
import HDF5
import RunStore

/// `amsga cache migrate`: rewrites a notebook's outputs once from cell-state
/// format 1 to 2, so that the readers need no fallback for older files.
///
/// Format 1 states could lack `run_parameters`, `threads` and `git_commit`,
/// and hold a library digest of the whole library rather than one per module;
/// traces could lack their digest. What the migration adds it derives from the
/// entry's own files: a run's configuration hash from its trace, the threads
/// from the run's configuration, the trace digest from the trace. What it
/// cannot know it writes as unknown: no commit (""), no threads (0), and the
/// old library digest under the name `*`. Keys do not change (their
/// derivation is versioned apart from the format), so nothing re-runs.
///
/// An entry is migrated in a copy that replaces it whole, its digests written
/// anew; an entry whose files fail their digests is left as it is and named.
public enum CacheMigration {
    public struct Report: Sendable {
        public var entries = 0
        public var files = 0
        /// Entries and files left as they were, with the reason.
        public var problems: [String] = []
    }

    /// Migrates every cache entry and every published trace under `notebookDirectory` (`outputs/<notebook>`).
    public static func migrate(notebookDirectory dir: String) -> Report {
        var report = Report()
        let store = CacheStore(directory: dir + "/cache")
        for cell in ((try? FileManager.default.contentsOfDirectory(atPath: store.directory)) ?? []).sorted() where !cell.hasPrefix(".") {
            for entry in store.entryDirectories(cell) {
                do { if try migrateEntry(entry) { report.entries += 1 } } catch { report.problems.append("\(entry): \(error)") }
            }
        }
        for file in publishedTraces(dir) {
            do { if try inCopy(file, RunFile.addMissingTraceDigest) { report.files += 1 } } catch {
                report.problems.append("\(file): \(error)")
            }
        }
        return report
    }

    /// Trace files outside the entries: the published copies of every parameter set, and run files.
    static func publishedTraces(_ dir: String) -> [String] {
        guard let e = FileManager.default.enumerator(atPath: dir) else { return [] }
        return (e.allObjects as? [String] ?? []).filter { f in
            f.hasSuffix(".h5") && (f.hasSuffix(".run.h5") || f.split(separator: "/").dropLast().last == "traces")
                && !(f.hasPrefix("cache/") && !f.hasSuffix(".run.h5"))
        }.sorted().map { dir + "/" + $0 }
    }

    /// Applies `change` to a copy of `path` and moves the copy into place when it changed something.
    static func inCopy(_ path: String, _ change: (String) throws -> Bool) throws -> Bool {
        let copy = path + ".migrating-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: copy) }
        try? FileManager.default.removeItem(atPath: copy)
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        guard try change(copy) else { return false }
        guard rename(copy, path) == 0 else { throw NotebookError("cannot move \(copy) into place: \(String(cString: strerror(errno)))") }
        return true
    }

    static func migrateEntry(_ entry: String) throws -> Bool {
        let version: Int64
        do {
            let f = try HDF5File.open(entry + "/state.h5")
            defer { try? f.close() }
            version = try f.root.attribute("format_version").int ?? -1
        }
        if version == Int64(CellState.formatVersion) { return false }
        guard version == 1 else { throw NotebookError("cell-state format \(version), which this migration does not know") }
        try EntryDigests.verify(entry)
        let parent = (entry as NSString).deletingLastPathComponent
        let staging = parent + "/.tmp-\(getpid())-migrate"
        try? FileManager.default.removeItem(atPath: staging)
        defer { try? FileManager.default.removeItem(atPath: staging) }
        try FileManager.default.copyItem(atPath: entry, toPath: staging)
        let traces = staging + "/traces"
        for t in ((try? FileManager.default.contentsOfDirectory(atPath: traces)) ?? []) where t.hasSuffix(".h5") {
            _ = try RunFile.addMissingTraceDigest(path: traces + "/" + t)
        }
        try upgradeState(staging)
        try EntryDigests.write(staging)
        let aside = staging + "-replaced"
        defer { try? FileManager.default.removeItem(atPath: aside) }
        guard rename(entry, aside) == 0, rename(staging, entry) == 0 else {
            _ = rename(aside, entry)
            throw NotebookError("cannot move the migrated copy into place: \(String(cString: strerror(errno)))")
        }
        return true
    }

    /// Adds what format 2 requires to the state file of the entry copy `entry`.
    static func upgradeState(_ entry: String) throws {
        let f = try HDF5File.open(entry + "/state.h5", writable: true)
        defer { try? f.close() }
        let root = f.root
        let runs: [String]
        switch try root.attribute("runs") {
        case .strings(let v): runs = v
        case .string(let v): runs = [v]
        default: runs = []
        }
        let configurations = try runs.map { r -> (String, String) in
            let t = entry + "/traces/" + r + ".h5"
            guard let s = RunFile.summary(path: t) else { throw NotebookError("run \(r) has no complete trace (\(t))") }
            return (r, s.parametersJSON)
        }
        if !root.hasAttribute("run_parameters") {
            let hashes = Dictionary(uniqueKeysWithValues: configurations.map { ($0.0, CellState.sha256($0.1)) })
            try root.setAttribute("run_parameters", .string(CanonicalJSON.string(hashes)))
        }
        if !root.hasAttribute("threads") {
            let threads =
                configurations.compactMap { c in
                    (try? JSONSerialization.jsonObject(with: Data(c.1.utf8)) as? [String: Any])?["threads"] as? Int
                }.first ?? 0
            try root.setAttribute("threads", .int(Int64(threads)))
        }
        if !root.hasAttribute("git_commit") { try root.setAttribute("git_commit", .string("")) }
        let library = try root.attribute("library").string ?? ""
        if (try? JSONDecoder().decode([String: String].self, from: Data(library.utf8))) == nil {
            try root.setAttribute("library", .string(CanonicalJSON.string(["*": library])))
        }
        if let text = try root.attribute("parameters").string, !text.hasPrefix("{") {
            try root.setAttribute("parameters", .string(parametersJSON(text)))
        }
        try root.setAttribute("format_version", .int(Int64(CellState.formatVersion)))
    }

    /// The parameter set as JSON from the `name=value name=value` text of the
    /// oldest entries; a value reads as the JSON type its text has.
    static func parametersJSON(_ text: String) throws -> String {
        enum Scalar: Encodable {
            case int(Int)
            case double(Double)
            case flag(Bool)
            case text(String)
            func encode(to encoder: Encoder) throws {
                var c = encoder.singleValueContainer()
                switch self {
                case .int(let v): try c.encode(v)
                case .double(let v): try c.encode(v)
                case .flag(let v): try c.encode(v)
                case .text(let v): try c.encode(v)
                }
            }
        }
        var values: [String: Scalar] = [:]
        for pair in text.split(separator: " ") {
            guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex else {
                throw NotebookError("parameters '\(text)' are neither JSON nor name=value pairs")
            }
            let name = String(pair[..<eq])
            let value = String(pair[pair.index(after: eq)...])
            values[name] =
                Int(value).map(Scalar.int) ?? Double(value).map(Scalar.double)
                ?? (value == "true" || value == "false" ? .flag(value == "true") : .text(value))
        }
        return CanonicalJSON.string(values)
    }
}
