import Datasets
import ForwardForward
import Foundation
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
    public internal(set) var executed: [Int] = []
    public var log: (String) -> Void = { print($0) }
    /// Seconds between progress lines of a training cell when not on a terminal.
    public var progressInterval: TimeInterval = 30
    /// Whether progress is a redrawn line on a terminal (standard error) or plain lines in a log.
    public var progressOnTerminal = isatty(STDERR_FILENO) != 0
    let store: CacheStore
    var forced: Set<Int> = []
    /// What this invocation looked up in the cache, trusted while the store's
    /// generation is the one it was made at (`CellFreshness.current`).
    var lookups = CacheLookups(generation: -1)
    /// Dataset fingerprints: they do not change while a process runs.
    var dataFingerprints: [String: String] = [:]
    /// The runners of sweep points, by point; they share this runner's store.
    var children: [String: NotebookRunner] = [:]

    /// A runner for the notebook's defaults overridden by `overrides`
    /// (`name=value`); it reads the notebook's source file.
    public convenience init(
        _ notebook: Notebook, overrides: [String] = [], outputs: String = "outputs",
        locator: DataLocator = DataLocator(), threads: Int = FFConfiguration.defaultThreads
    ) throws {
        try self.init(
            notebook, source: try NotebookSource(notebook), parameters: try notebook.resolveParameters(overrides),
            outputs: outputs, locator: locator, threads: threads, store: nil)
    }

    init(
        _ notebook: Notebook, source: NotebookSource, parameters: [String: ParameterValue], outputs: String, locator: DataLocator,
        threads: Int, store shared: CacheStore?
    ) throws {
        guard threads > 0 else { throw NotebookError("threads must be positive, got \(threads)") }
        self.notebook = notebook
        self.source = source
        self.parameters = parameters
        overrides = notebook.parameters.compactMap { p in
            parameters[p.name].flatMap { $0.description == p.value.description ? nil : "\(p.name)=\($0)" }
        }.sorted()
        notebookDirectory = outputs + "/" + notebook.name
        outputDirectory =
            overrides.isEmpty
            ? notebookDirectory
            : notebookDirectory + "/sets/" + ParameterSetLabel.sanitise(overrides.joined(separator: "_"))
        cacheDirectory = notebookDirectory + "/cache"
        store = shared ?? CacheStore(directory: cacheDirectory)
        self.locator = locator
        self.threads = threads
    }

    /// Whether this runner serves the notebook's defaults (whose results git keeps).
    public var isDefaults: Bool { overrides.isEmpty }

    /// The runner of the same notebook with `point` (`name=value` overrides) on top of this set.
    func child(_ point: [String]) throws -> NotebookRunner {
        let label = point.sorted().joined(separator: " ")
        if let c = children[label] { return c }
        var values = parameters
        for o in point {
            let (name, text, kind) = try notebook.declaredParameter(o, write: "name=value")
            values[name] = try notebook.value(text, of: name, like: kind)
        }
        let c = try NotebookRunner(
            notebook, source: source, parameters: values, outputs: (notebookDirectory as NSString).deletingLastPathComponent,
            locator: locator, threads: threads, store: store)
        c.log = log
        children[label] = c
        return c
    }

    // MARK: Paths

    func slug(_ i: Int) -> String {
        let n = String(format: "%02d", i + 1)
        let name = notebook.cells[i].name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
        return n + "-" + String(name).split(separator: "-").joined(separator: "-")
    }

    /// The full run file (with checkpoints) of a run of the configuration with this hash made by cell i.
    func runPath(_ i: Int, _ name: String, configurationHash: String) -> String {
        store.runPath(slug(i), run: name, configHash: configurationHash)
    }

    /// The published name of run `name` of a sweep point when several points
    /// train a run of that name: `<name>-s<value>` for a point that sets only the
    /// notebook's replicate parameter (how `amsga plot --seeds` groups runs), else `<name>_<point>`.
    func pointRunName(_ name: String, point: [String]) -> String {
        if point.count == 1, let r = notebook.replicate, point[0].hasPrefix(r + "=") {
            return name + "-s" + point[0].dropFirst(r.count + 1)
        }
        return name + "_" + ParameterSetLabel.sanitise(point.sorted().joined(separator: "_"))
    }

    /// This parameter set's copy of a run's trace: `<outputs>/traces/<name>.h5`.
    public func tracePath(_ name: String) -> String { outputDirectory + "/traces/" + name + ".h5" }

    /// The run's file with checkpoints when it is the finished run the entry
    /// recorded, else the entry's trace-only copy when that carries the entry's key.
    public func availableRun(_ i: Int, _ name: String, entry e: CacheEntry) -> String? {
        store.availableRun(slug(i), name, entry: e)
    }

    // MARK: Running

    /// Runs `target` (or every cell), running stale cells it needs first and
    /// reusing fresh ones, and publishes the outputs of the cells it touched.
    public func run(target: Int? = nil, from: Int? = nil, force: Bool = false) throws {
        try checkBeforeRunning(cells: Array(0...(target ?? notebook.cells.count - 1)))
        do {
            try WritableFolder.require(cacheDirectory, for: "notebook \(notebook.name)'s cache")
            try WritableFolder.require(outputDirectory, for: "notebook \(notebook.name)'s outputs")
        } catch let p as WritableFolder.Problem { throw NotebookError(p.description + "; nothing was run") }
        let shared = try NotebookLock(cache: cacheDirectory, notebook: notebook.name, shared: true)
        defer { shared.release() }
        let lock = try NotebookLock(cache: cacheDirectory, notebook: notebook.name, parameterSet: overrides, note: log)
        defer { lock.release() }
        try store.writeGitignoreIfMissing()
        if let from { forced.formUnion(from..<notebook.cells.count) }
        if force { if let target { forced.insert(target) } else { forced.formUnion(0..<notebook.cells.count) } }
        let targets = target.map { [$0] } ?? Array(0..<notebook.cells.count)
        for t in targets { try ensureFresh(t, announceFresh: true) }
        if isDefaults { try writeGitignore() }
    }

    /// Makes and checks what `cells` (and the cells they may need) declare
    /// up front for this parameter set: a configuration that would fail is
    /// refused here, before any data is read or any cell runs.
    public func checkBeforeRunning(cells: [Int]) throws {
        for i in 0...(cells.max() ?? -1) {
            guard let check = notebook.cells[i].check else { continue }
            do { try check(parameters) } catch {
                let set = isDefaults ? "the defaults" : overrides.joined(separator: " ")
                throw NotebookError(
                    "notebook '\(notebook.name)', cell \(i + 1) (\(notebook.cells[i].name)) with \(set): \(error); nothing was run")
            }
        }
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
                log(
                    "[\(i + 1)] \(notebook.cells[i].name): fresh, reused\(st.notes.isEmpty ? "" : " (\(st.notes.joined(separator: "; ")))")"
                )
                if !e.state.output.isEmpty { log(e.state.output.trimmingCharacters(in: .newlines)) }
            }
            return
        }
        if entries(i).readable.isEmpty {
            for j in 0..<i { try ensureFresh(j) }
        }
        try execute(i, reasons: forced.contains(i) && st.fresh ? ["forced"] : st.reasons)
    }
}
