import Crypto
import Datasets
import Foundation
import ForwardForward
import HDF5
import RunStore

/// Runs a notebook's cells with a cache that is never silently stale and
/// keeps every result: each cell's results are stored per cache key (source,
/// parameters and data it read, keys of the cells it read), so switching a
/// parameter back reuses what was computed before. A cell runs when no entry
/// matches its key now or the matching entry lacks an output; `status` names
/// the reason.
///
/// A runner serves one parameter set. Its outputs (figures, traces, report)
/// are published to `outputs/<notebook>/` for the notebook's defaults and to
/// `outputs/<notebook>/sets/<overrides>/` for any other set.
public final class NotebookRunner {
    public let notebook: Notebook
    public let source: NotebookSource
    public let parameters: [String: ParameterValue]
    /// The parameters that differ from the notebook's defaults, `name=value`, sorted by name.
    public let overrides: [String]
    /// `outputs/<notebook>`.
    public let notebookDirectory: String
    /// Where this parameter set's figures, traces and report go.
    public let outputDirectory: String
    public let cacheDirectory: String
    public let locator: DataLocator
    /// OpenBLAS threads of the training cells (recorded; not part of the key).
    public let threads: Int
    /// Cells run in this invocation (indices), in order.
    public private(set) var executed: [Int] = []
    public var log: (String) -> Void = { print($0) }
    /// Seconds between progress lines of a training cell when not on a terminal.
    public var progressInterval: TimeInterval = 30
    /// Whether progress is a redrawn line on a terminal (standard error) or plain lines in a log.
    public var progressOnTerminal = isatty(STDERR_FILENO) != 0
    let store: CacheStore
    var forced: Set<Int> = []
    var memo = Memo()

    /// What one invocation has looked up; emptied when a cell runs.
    struct Memo {
        var entries: [Int: (readable: [CacheEntry], unreadable: [(String, Error)])] = [:]
        var match: [Int: CacheEntry?] = [:]
        var closest: [Int: (entry: CacheEntry, reasons: [String])?] = [:]
        var data: [String: String] = [:]
        var children: [String: NotebookRunner] = [:]
    }

    public convenience init(_ notebook: Notebook, overrides: [String] = [], outputs: String = "outputs",
                            locator: DataLocator = DataLocator(), threads: Int = FFConfiguration.defaultThreads) throws {
        try self.init(notebook, parameters: try notebook.resolveParameters(overrides), outputs: outputs,
                      locator: locator, threads: threads)
    }

    init(_ notebook: Notebook, parameters: [String: ParameterValue], outputs: String, locator: DataLocator, threads: Int) throws {
        guard threads > 0 else { throw NotebookError("threads must be positive, got \(threads)") }
        self.notebook = notebook
        source = try NotebookSource(file: notebook.file, notebook: notebook.name, compiledLines: notebook.cells.map(\.line))
        self.parameters = parameters
        overrides = notebook.parameters.compactMap { p in
            parameters[p.name].flatMap { $0.description == p.value.description ? nil : "\(p.name)=\($0)" }
        }.sorted()
        notebookDirectory = outputs + "/" + notebook.name
        outputDirectory = overrides.isEmpty ? notebookDirectory
            : notebookDirectory + "/sets/" + ParameterSetLabel.sanitise(overrides.joined(separator: "_"))
        cacheDirectory = notebookDirectory + "/cache"
        store = CacheStore(directory: cacheDirectory)
        self.locator = locator
        self.threads = threads
        // The read-only commands work on a read-only cache; `run` checks that it can write first.
        try? FileManager.default.createDirectory(atPath: cacheDirectory, withIntermediateDirectories: true)
    }

    /// Cells and runs that the cells name in literals but that do not exist (`CellReferences`); `run` refuses while there are any.
    public var referenceProblems: [String] { CellReferences.problems(in: notebook, source: source).map(\.description) }

    /// Whether this runner serves the notebook's defaults (whose results git keeps).
    public var isDefaults: Bool { overrides.isEmpty }

    /// The runner of the same notebook with `point` (`name=value` overrides) on top of this set.
    func child(_ point: [String]) throws -> NotebookRunner {
        let label = point.sorted().joined(separator: " ")
        if let c = memo.children[label] { return c }
        var values = parameters
        for o in point {
            let (name, text, kind) = try notebook.declaredParameter(o, write: "name=value")
            values[name] = try notebook.value(text, of: name, like: kind)
        }
        let c = try NotebookRunner(notebook, parameters: values, outputs: (notebookDirectory as NSString).deletingLastPathComponent,
                                   locator: locator, threads: threads)
        c.log = log
        memo.children[label] = c
        return c
    }

    // MARK: Paths

    func slug(_ i: Int) -> String {
        let n = String(format: "%02d", i + 1)
        let name = notebook.cells[i].name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
        return n + "-" + String(name).split(separator: "-").joined(separator: "-")
    }

    /// The full run file (with checkpoints) of a run of this configuration made by cell i.
    public func runPath(_ i: Int, _ name: String, configuration: FFConfiguration) -> String {
        store.runPath(slug(i), run: name, configHash: CellState.sha256(RunFile.configurationJSON(configuration)))
    }

    /// The published name of run `name` of a sweep point when several points
    /// train a run of that name: `<name>-s<seed>` for a point that sets only the
    /// seed (how `amsga plot --seeds` groups runs), else `<name>_<point>`.
    static func pointRunName(_ name: String, point: [String]) -> String {
        if point.count == 1, point[0].hasPrefix("seed=") { return name + "-s" + point[0].dropFirst(5) }
        return name + "_" + ParameterSetLabel.sanitise(point.sorted().joined(separator: "_"))
    }

    /// This parameter set's copy of a run's trace: `<outputs>/traces/<name>.h5`.
    public func tracePath(_ name: String) -> String { outputDirectory + "/traces/" + name + ".h5" }

    /// The run's file with checkpoints when it is the finished run the entry
    /// recorded, else the entry's trace-only copy when that carries the entry's key.
    public func availableRun(_ i: Int, _ name: String, entry e: CacheEntry) -> String? {
        if let hash = e.state.runParameters[name] {
            let full = store.runPath(slug(i), run: name, configHash: hash)
            if let r = RunFile.summary(path: full), r.finished, CellState.sha256(r.parametersJSON) == hash { return full }
        }
        let t = e.tracePath(name)
        guard RunFile.isComplete(path: t), let f = try? HDF5File.open(t) else { return nil }
        defer { try? f.close() }
        return (try? f.root.attribute("cell_key").string) == e.state.key ? t : nil
    }

    // MARK: Running

    /// Runs `target` (or every cell), running stale cells it needs first and
    /// reusing fresh ones, and publishes the outputs of the cells it touched.
    public func run(target: Int? = nil, from: Int? = nil, force: Bool = false) throws {
        let problems = referenceProblems
        guard problems.isEmpty else { throw NotebookError(problems.joined(separator: "\n")) }
        do {
            try WritableFolder.require(cacheDirectory, for: "notebook \(notebook.name)'s cache")
            try WritableFolder.require(outputDirectory, for: "notebook \(notebook.name)'s outputs")
        } catch let p as WritableFolder.Problem { throw NotebookError(p.description + "; nothing was run") }
        let shared = try NotebookLock(cache: cacheDirectory, notebook: notebook.name, shared: true)
        defer { shared.release() }
        let lock = try NotebookLock(cache: cacheDirectory, notebook: notebook.name, parameterSet: overrides, note: log)
        defer { lock.release() }
        try store.writeGitignoreIfMissing()
        if let from { forced.formUnion(from ..< notebook.cells.count) }
        if force { if let target { forced.insert(target) } else { forced.formUnion(0 ..< notebook.cells.count) } }
        let targets = target.map { [$0] } ?? Array(0 ..< notebook.cells.count)
        for t in targets { try ensureFresh(t, announceFresh: true) }
        if isDefaults { try writeGitignore() }
    }

    /// Makes cell i fresh: reuses its entry if one matches, else runs it (its
    /// inputs first, through the loads it makes). A cell that never ran has no
    /// recorded inputs, so the cells before it are made fresh first.
    func ensureFresh(_ i: Int, announceFresh: Bool = false) throws {
        if executed.contains(i) { return }
        let st = status(i)
        if st.fresh && !forced.contains(i), let e = entry(i) {
            store.touch(e)
            try publish(i, e)
            if announceFresh {
                log("[\(i + 1)] \(notebook.cells[i].name): fresh, reused\(st.notes.isEmpty ? "" : " (\(st.notes.joined(separator: "; ")))")")
                if !e.state.output.isEmpty { log(e.state.output.trimmingCharacters(in: .newlines)) }
            }
            return
        }
        if entries(i).readable.isEmpty {
            for j in 0 ..< i { try ensureFresh(j) }
        }
        try execute(i, reasons: forced.contains(i) && st.fresh ? ["forced"] : st.reasons)
    }

    func execute(_ i: Int, reasons: [String]) throws {
        let cell = notebook.cells[i]
        log("[\(i + 1)] \(cell.name): running (\(reasons.joined(separator: "; ")))")
        store.removeAbandonedStaging(slug(i))
        let staging = try store.stage(slug(i))
        defer { try? FileManager.default.removeItem(atPath: staging) }
        let ctx = CellContext(inputs: self, index: i, staging: staging)
        let start = Date()
        try cell.body(ctx)
        let key = CellState.key(sourceHash: sourceHash(i), parameters: ctx.parametersRead, reads: ctx.cellsRead,
                                data: ctx.dataRead, sweeps: ctx.sweepsRead)
        var state = CellState(
            key: key, sourceHash: sourceHash(i), parameters: ctx.parametersRead, reads: ctx.cellsRead, data: ctx.dataRead,
            library: Self.libraryFingerprint, output: ctx.output, figures: ctx.figures, runs: ctx.runs.map(\.name),
            sweepReads: ctx.sweepsRead, seconds: Date().timeIntervalSince(start) + ctx.earlierTrainingSeconds,
            ranAt: ISO8601DateFormatter().string(from: start), threads: threads)
        for (name, path) in ctx.runs {
            guard let summary = RunFile.summary(path: path) else { throw NotebookError("run \(name) of cell \(i + 1) was not written") }
            state.runParameters[name] = CellState.sha256(summary.parametersJSON)
            try exportTrace(from: path, to: staging + "/traces/" + name + ".h5", cell: i, key: key)
        }
        try writeState(state, tensors: ctx.tensors, dataSources: ctx.dataSources, cell: i, to: staging + "/state.h5")
        let e = CacheEntry(directory: try store.commit(staging, slug: slug(i), key: key), state: state)
        executed.append(i)
        // Everything downstream must be re-derived from the new entry.
        memo = Memo(data: memo.data)
        try publish(i, e)
        log(String(format: "[%d] %@: done in %.1f s", i + 1, cell.name, state.seconds))
    }

    /// Writes the trace-only copy of a run (marked with the cell's key).
    func exportTrace(from run: String, to path: String, cell i: Int, key: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try RunFile.writeTraceOnly(try RunFile.read(path: run), to: path, attributes: [
            "notebook": .string(notebook.name), "cell": .int(Int64(i + 1)),
            "cell_name": .string(notebook.cells[i].name), "cell_key": .string(key),
        ])
    }

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
                try CacheStore.copyIfDifferent(p.entry.tracePath(r), to: tracePath(shared ? Self.pointRunName(r, point: p.read.point) : r))
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

    /// Writes a state file; it lives in a staging folder until the entry is committed.
    func writeState(_ s: CellState, tensors: [SavedTensor], dataSources: [String: String], cell i: Int, to path: String) throws {
        let f = try HDF5File.create(path)
        try s.write(to: f.root, notebook: notebook.name, cell: i, name: notebook.cells[i].name)
        try f.root.setAttribute("git_commit", .string(Provenance.gitCommit))
        // A result of code no commit holds keeps that code beside it.
        if let diff = Provenance.uncommittedDiff {
            let entry = (path as NSString).deletingLastPathComponent
            try Data(diff.utf8).write(to: URL(fileURLWithPath: entry + "/" + CacheEntry.uncommittedDiffName))
            try f.root.setAttribute("uncommitted_diff_sha256", .string(CellState.sha256(diff)))
        }
        if !dataSources.isEmpty {
            try f.root.setAttribute("data_sources", .string("{" + dataSources.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ") + "}"))
        }
        try f.root.setAttribute("parameters", .string(ParameterValue.json(parameters)))
        var scales: [String: HDF5Dataset] = [:]
        for t in tensors {
            let d: HDF5Dataset
            switch t.data {
            case .float(let v, let shape): d = try f.root.write("tensors/" + t.name, v, shape: shape, storage: .automatic(shape: shape, elementSize: 4))
            case .double(let v, let shape): d = try f.root.write("tensors/" + t.name, v, shape: shape, storage: .automatic(shape: shape, elementSize: 8))
            case .int64(let v, let shape): d = try f.root.write("tensors/" + t.name, v, shape: shape, storage: .automatic(shape: shape, elementSize: 8))
            }
            try d.setAttribute("units", .string(t.units))
            // Each dimension: an index coordinate beside the tensors, made a dimension scale.
            for (k, (dim, length)) in zip(t.dimensionNames, t.shape).enumerated() {
                if scales[dim] == nil {
                    let scale = try f.root.write("tensors/" + dim, (0 ..< length).map { Int64($0) })
                    try scale.makeScale(dim)
                    try scale.setAttribute("units", .string("1"))
                    scales[dim] = scale
                }
                guard let scale = scales[dim], scale.count == length else {
                    throw NotebookError("cell \(i + 1): tensor '\(t.name)' gives dimension '\(dim)' length \(length), another tensor gave it \(scales[dim]?.count ?? 0)")
                }
                try d.attachScale(scale, dimension: k)
            }
        }
        FaultInjection.reach(.cellState)
        try f.root.setAttribute("complete", .int(1))
        try f.close()
    }

    /// Git keeps the entries the defaults use now, and those they read
    /// through sweeps (see `CacheStore.writeGitignore`).
    func writeGitignore() throws { try store.writeGitignore(keeping: Array(usedEntries())) }

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

    /// Progress of a training cell: a redrawn line on a terminal; in a log (nohup,
    /// a batch system, a sweep point) a plain line at least every 30 s.
    func progress(name: String, total: Int) -> (EpochTrace) -> Void {
        let tty = progressOnTerminal
        var pace = StepPace()
        var lastLine = Date()
        let log = self.log, interval = progressInterval
        return { t in
            let (perStep, left) = pace.after(step: t.epoch, of: total)
            let acc = t.accuracyPerSample.validation.isNaN ? "" : String(format: "  val %.2f%%", 100 * t.accuracyPerSample.validation)
            if tty {
                let line = String(format: "\r\u{1B}[K  %@: step %d/%d  loss %.4f%@  left %.0f s", name, t.epoch, total, t.meanLoss, acc, left)
                FileHandle.standardError.write(Data(line.utf8))
                if t.epoch == total { FileHandle.standardError.write(Data("\n".utf8)) }
            } else if Date().timeIntervalSince(lastLine) >= interval || t.epoch == total {
                lastLine = Date()
                log(String(format: "  %@: step %d/%d, loss %.4f%@, %.2f s/step, %@ left", name, t.epoch, total, t.meanLoss,
                           acc.replacingOccurrences(of: "  val", with: ", val"),
                           perStep, Sweep.duration(left)))
            }
        }
    }

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
              let now = try? JSONDecoder().decode([String: String].self, from: Data(libraryFingerprint.utf8)) else { return nil }
        return Set(then.keys).union(now.keys).filter { then[$0] != now[$0] }.sorted()
    }
}
