import Crypto
import Datasets
import Foundation
import ForwardForward
import HDF5
import RunStore

/// Runs a notebook's cells with a cache that is never silently stale: a cell
/// runs when its key (source, parameters and data it read, keys of the cells
/// it read) changed or its state is missing or unreadable; otherwise its
/// state, output and figures are reused. `status` names the reason.
public final class NotebookRunner {
    public let notebook: Notebook
    public let source: NotebookSource
    public let parameters: [String: ParameterValue]
    public let outputDirectory: String
    public let cacheDirectory: String
    public let locator: DataLocator
    /// Cells run in this invocation (indices), in order.
    public private(set) var executed: [Int] = []
    public var log: (String) -> Void = { print($0) }
    var forced: Set<Int> = []
    private var keyMemo: [Int: String?] = [:]
    private var stateMemo: [Int: Result<CellState, Error>] = [:]
    private var dataMemo: [String: String] = [:]

    public init(_ notebook: Notebook, overrides: [String] = [], outputs: String = "outputs",
                locator: DataLocator = DataLocator()) throws {
        self.notebook = notebook
        source = try NotebookSource(file: notebook.file, cellLines: notebook.cells.map(\.line))
        parameters = try notebook.resolveParameters(overrides)
        outputDirectory = outputs + "/" + notebook.name
        cacheDirectory = outputDirectory + "/cache"
        self.locator = locator
        try FileManager.default.createDirectory(atPath: cacheDirectory, withIntermediateDirectories: true)
    }

    // MARK: Paths

    func slug(_ i: Int) -> String {
        let n = String(format: "%02d", i + 1)
        let name = notebook.cells[i].name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
        return n + "-" + String(name).split(separator: "-").joined(separator: "-")
    }
    public func statePath(_ i: Int) -> String { cacheDirectory + "/" + slug(i) + ".h5" }
    public func runPath(_ i: Int, _ name: String) -> String { cacheDirectory + "/" + slug(i) + "." + name + ".run.h5" }
    /// The committed copy of a run, without checkpoints: `outputs/<notebook>/traces/<name>.h5`.
    public func tracePath(_ name: String) -> String { outputDirectory + "/traces/" + name + ".h5" }

    /// The run's cached file when it is the finished run the state recorded,
    /// else its committed trace when that was written by the cell run whose
    /// state has `key`.
    func availableRun(_ i: Int, _ name: String, state s: CellState) -> String? {
        if cachedRunMatches(i, name, state: s) { return runPath(i, name) }
        let t = tracePath(name)
        guard RunFile.isComplete(path: t), let f = try? HDF5File.open(t) else { return nil }
        defer { try? f.close() }
        return (try? f.root.attribute("cell_key").string) == s.key ? t : nil
    }

    func cachedRunMatches(_ i: Int, _ name: String, state s: CellState) -> Bool {
        guard let r = RunFile.summary(path: runPath(i, name)), r.finished else { return false }
        // States from before run_parameters was recorded: finished is all we know.
        guard let expected = s.runParameters[name] else { return s.runParameters.isEmpty }
        return CellState.sha256(r.parametersJSON) == expected
    }

    /// Writes the trace-only copy of each of cell i's runs (marked with the cell's key).
    func exportTraces(_ i: Int, runs: [String], key: String) throws {
        guard !runs.isEmpty else { return }
        try FileManager.default.createDirectory(atPath: outputDirectory + "/traces", withIntermediateDirectories: true)
        for r in runs {
            let contents = try RunFile.read(path: runPath(i, r))
            try RunFile.writeTraceOnly(contents, to: tracePath(r), attributes: [
                "notebook": .string(notebook.name), "cell": .int(Int64(i + 1)),
                "cell_name": .string(notebook.cells[i].name), "cell_key": .string(key),
            ])
        }
    }

    // MARK: Keys and freshness

    func sourceHash(_ i: Int) -> String {
        let code = source.sections[i].code
        return CellState.sha256(source.helpers.isEmpty ? code : code + "\n// helpers\n" + source.helpers)
    }

    func storedState(_ i: Int) throws -> CellState {
        if let m = stateMemo[i] { return try m.get() }
        let r = Result<CellState, Error> {
            guard FileManager.default.fileExists(atPath: statePath(i)) else { throw NotebookError("never run") }
            let f = try HDF5File.open(statePath(i))
            defer { try? f.close() }
            return try CellState.read(from: f.root)
        }
        stateMemo[i] = r
        return try r.get()
    }

    /// SHA-256 of the dataset's files as stored (gzip bytes), cached per invocation.
    func dataFingerprint(_ d: DatasetName) throws -> String {
        if let f = dataMemo[d.rawValue] { return f }
        let folder = try locator.folder(for: d)
        var h = SHA256()
        for part in DatasetName.Part.allCases {
            h.update(data: try Data(contentsOf: URL(fileURLWithPath: DataLocator.file(part, in: folder)!)))
        }
        let f = h.finalize().map { String(format: "%02x", $0) }.joined()
        dataMemo[d.rawValue] = f
        return f
    }

    /// The key the cell would have now, from what it read last time; nil when
    /// that cannot be known (never ran, unreadable, an input gone).
    func currentKey(_ i: Int) -> String? {
        if let m = keyMemo[i] { return m }
        var key: String?
        if let s = try? storedState(i) {
            var params: [String: String] = [:], reads: [Int: String] = [:], data: [String: String] = [:]
            var ok = true
            for name in s.parameters.keys { if let v = parameters[name] { params[name] = v.description } else { ok = false } }
            for up in s.reads.keys { if up < i, let k = currentKey(up) { reads[up] = k } else { ok = false } }
            for d in s.data.keys {
                if let ds = DatasetName(rawValue: d), let f = try? dataFingerprint(ds) { data[d] = f } else { ok = false }
            }
            if ok { key = CellState.key(sourceHash: sourceHash(i), parameters: params, reads: reads, data: data) }
        }
        keyMemo[i] = key
        return key
    }

    public struct Status: Sendable {
        public var fresh: Bool
        public var reasons: [String]
        /// Informational: the library changed since the cell ran (does not make it stale).
        public var notes: [String]
    }

    public func status(_ i: Int) -> Status {
        let s: CellState
        do { s = try storedState(i) } catch {
            let text = "\(error)"
            return Status(fresh: false, reasons: [text == "never run" ? "output missing (never run)" : "state unreadable: \(text)"], notes: [])
        }
        var reasons: [String] = []
        if s.sourceHash != sourceHash(i) { reasons.append("source changed") }
        for (name, old) in s.parameters.sorted(by: { $0.key < $1.key }) {
            if let now = parameters[name]?.description {
                if now != old { reasons.append("parameter \(name) changed (\(old) → \(now))") }
            } else { reasons.append("parameter \(name) no longer declared") }
        }
        for (up, old) in s.reads.sorted(by: { $0.key < $1.key }) {
            if let now = currentKey(up) {
                if now != old { reasons.append("upstream cell \(up + 1) changed") }
            } else { reasons.append("upstream cell \(up + 1) is stale") }
        }
        for (d, old) in s.data.sorted(by: { $0.key < $1.key }) {
            let now = DatasetName(rawValue: d).flatMap { try? dataFingerprint($0) }
            if now != old { reasons.append(now == nil ? "data \(d) not found" : "data \(d) changed") }
        }
        for f in s.figures where !FileManager.default.fileExists(atPath: outputDirectory + "/" + f) {
            reasons.append("output missing (figure \(f))")
        }
        for r in s.runs where availableRun(i, r, state: s) == nil {
            reasons.append("output missing (run \(r))")
        }
        if reasons.isEmpty, currentKey(i) != s.key { reasons.append("cache key changed") }
        let notes = s.library == Self.libraryFingerprint ? [] : ["library changed since it ran"]
        return Status(fresh: reasons.isEmpty, reasons: reasons, notes: notes)
    }

    // MARK: Running

    /// Runs `target` (or every cell), running stale cells it needs first and reusing fresh ones.
    public func run(target: Int? = nil, from: Int? = nil, force: Bool = false) throws {
        let lock = try NotebookLock(directory: cacheDirectory, notebook: notebook.name)
        defer { lock.release() }
        if let from { forced.formUnion(from ..< notebook.cells.count) }
        if force { if let target { forced.insert(target) } else { forced.formUnion(0 ..< notebook.cells.count) } }
        let targets = target.map { [$0] } ?? Array(0 ..< notebook.cells.count)
        for t in targets { try ensureFresh(t, announceFresh: true) }
    }

    /// Makes cell i fresh: reuses it if it is, else runs it (its inputs first,
    /// through the loads it makes). A cell that never ran has no recorded
    /// inputs, so the cells before it are made fresh first.
    func ensureFresh(_ i: Int, announceFresh: Bool = false) throws {
        if executed.contains(i) { return }
        let st = status(i)
        if st.fresh && !forced.contains(i) {
            // A cell that ran before traces were committed gets them now.
            if let s = try? storedState(i) {
                let missing = s.runs.filter { !RunFile.isComplete(path: tracePath($0)) && cachedRunMatches(i, $0, state: s) }
                try exportTraces(i, runs: missing, key: s.key)
            }
            if announceFresh {
                log("[\(i + 1)] \(notebook.cells[i].name): fresh, reused\(st.notes.isEmpty ? "" : " (\(st.notes.joined(separator: "; ")))")")
                if let s = try? storedState(i), !s.output.isEmpty { log(s.output.trimmingCharacters(in: .newlines)) }
            }
            return
        }
        if (try? storedState(i)) == nil {
            for j in 0 ..< i { try ensureFresh(j) }
        }
        try execute(i, reasons: forced.contains(i) && st.fresh ? ["forced"] : st.reasons)
    }

    func execute(_ i: Int, reasons: [String]) throws {
        let cell = notebook.cells[i]
        log("[\(i + 1)] \(cell.name): running (\(reasons.joined(separator: "; ")))")
        let ctx = CellContext(runner: self, index: i)
        let start = Date()
        try cell.body(ctx)
        let key = CellState.key(sourceHash: sourceHash(i), parameters: ctx.parametersRead, reads: ctx.cellsRead, data: ctx.dataRead)
        try exportTraces(i, runs: ctx.runs, key: key)
        var state = CellState(
            key: key,
            sourceHash: sourceHash(i), parameters: ctx.parametersRead, reads: ctx.cellsRead, data: ctx.dataRead,
            library: Self.libraryFingerprint, output: ctx.output, figures: ctx.figures, runs: ctx.runs,
            seconds: Date().timeIntervalSince(start), ranAt: ISO8601DateFormatter().string(from: start))
        for r in ctx.runs {
            guard let summary = RunFile.summary(path: runPath(i, r)) else { throw NotebookError("run \(r) of cell \(i + 1) was not written") }
            state.runParameters[r] = CellState.sha256(summary.parametersJSON)
        }
        try writeState(state, tensors: ctx.tensors, cell: i)
        executed.append(i)
        // Everything downstream must be re-derived from the new state.
        keyMemo = [:]
        stateMemo[i] = .success(state)
        log(String(format: "[%d] %@: done in %.1f s", i + 1, cell.name, state.seconds))
    }

    /// Writes the state file under a temporary name and renames it into place.
    func writeState(_ s: CellState, tensors: [(String, HDF5Tensor)], cell i: Int) throws {
        let path = statePath(i), tmp = path + ".tmp-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        do {
            let f = try HDF5File.create(tmp)
            try s.write(to: f.root, notebook: notebook.name, cell: i, name: notebook.cells[i].name)
            try f.root.setAttribute("git_commit", .string(Provenance.gitCommit))
            try f.root.setAttribute("parameters", .string(parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")))
            for (name, t) in tensors {
                switch t {
                case .float(let v, let shape): try f.root.write("tensors/" + name, v, shape: shape)
                case .double(let v, let shape): try f.root.write("tensors/" + name, v, shape: shape)
                case .int64(let v, let shape): try f.root.write("tensors/" + name, v, shape: shape)
                }
            }
            try f.root.setAttribute("complete", .int(1))
            try f.close()
        }
        guard rename(tmp, path) == 0 else { throw NotebookError("cannot move \(tmp) into place") }
    }

    /// Removes the cached state of the given cells (all when empty), and their run files.
    public func clean(cells: [Int] = []) throws {
        let lock = try NotebookLock(directory: cacheDirectory, notebook: notebook.name)
        defer { lock.release() }
        let targets = cells.isEmpty ? Array(notebook.cells.indices) : cells
        let files = (try? FileManager.default.contentsOfDirectory(atPath: cacheDirectory)) ?? []
        for i in targets {
            for f in files where f.hasPrefix(slug(i) + ".") { try FileManager.default.removeItem(atPath: cacheDirectory + "/" + f) }
        }
        stateMemo = [:]
        keyMemo = [:]
    }

    /// Progress of a training cell: a redrawn line on a terminal, silence in logs.
    func progress(name: String, total: Int) -> (EpochTrace) -> Void {
        let tty = isatty(STDERR_FILENO) != 0
        let start = Date()
        return { t in
            guard tty else { return }
            let elapsed = Date().timeIntervalSince(start)
            let left = elapsed / Double(t.epoch) * Double(total - t.epoch)
            let acc = t.accuracyPerSample.validation.isNaN ? "" : String(format: "  val %.2f%%", 100 * t.accuracyPerSample.validation)
            let line = String(format: "\r\u{1B}[K  %@: step %d/%d  loss %.4f%@  left %.0f s", name, t.epoch, total, t.meanLoss, acc, left)
            FileHandle.standardError.write(Data(line.utf8))
            if t.epoch == total { FileHandle.standardError.write(Data("\n".utf8)) }
        }
    }

    /// SHA-256 over the package's Sources/ (found from the notebook file), else over the executable.
    public static let libraryFingerprint: String = {
        var h = SHA256()
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        if let e = FileManager.default.enumerator(atPath: root.path) {
            let files = (e.allObjects as? [String] ?? []).filter { $0.hasSuffix(".swift") || $0.hasSuffix(".h") }.sorted()
            for f in files { if let d = FileManager.default.contents(atPath: root.path + "/" + f) { h.update(data: Data(f.utf8)); h.update(data: d) } }
            if !files.isEmpty { return h.finalize().map { String(format: "%02x", $0) }.joined() }
        }
        if let d = FileManager.default.contents(atPath: "/proc/self/exe") { h.update(data: d) }
        return h.finalize().map { String(format: "%02x", $0) }.joined()
    }()
}

/// An exclusive lock on a notebook's cache (flock), so that two runs cannot interleave.
public final class NotebookLock {
    let fd: Int32
    public init(directory: String, notebook: String) throws {
        let path = directory + "/.lock"
        fd = open(path, O_RDWR | O_CREAT, 0o644)
        guard fd >= 0 else { throw NotebookError("cannot open the lock \(path)") }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            var buf = [UInt8](repeating: 0, count: 32)
            let n = read(fd, &buf, 31)
            close(fd)
            let pid = n > 0 ? String(decoding: buf[0 ..< n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
            throw NotebookError("another amsga run of notebook '\(notebook)' is in progress (pid \(pid)); wait for it or stop it")
        }
        ftruncate(fd, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { write(fd, $0, strlen($0)) }
    }
    public func release() { flock(fd, LOCK_UN); close(fd) }
}
