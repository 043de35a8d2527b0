import ArgumentParser
import Datasets
import ForwardForward
import Foundation
import Notebook
import Notebooks

/// Options shared by the notebook commands.
struct NotebookOptions: ParsableArguments {
    @Argument(help: "Notebook name (see `amsga ls`).") var notebook: String
    @Option(name: .customShort("p"), parsing: .singleValue, help: "Override a parameter: -p key=value (repeatable).")
    var parameters: [String] = []
    @Option(help: "Folder of the notebooks' outputs.") var outputs: String = "outputs"
    @OptionGroup var data: DataOptions

    /// The notebook's runner. Its cells are compiled in: `run` (`forRunning`)
    /// first rebuilds the binary when sources changed since it was built
    /// (`Rebuild`); the read-only commands never refuse (they read the file as
    /// it is now, so an edited cell shows as stale) and say so.
    func runner(forRunning: Bool = false, threads: Int = FFConfiguration.defaultThreads) throws -> NotebookRunner {
        let nb = try findNotebook(notebook, forRunning: forRunning)
        let runner = try NotebookRunner(
            nb, overrides: parameters, outputs: outputs, locator: DataLocator(explicit: data.directory),
            threads: threads)
        if !runner.source.matchesCompiled {
            let message = "\(nb.file) has a different number of cells than this amsga was built with"
            if forRunning { throw RuntimeError("\(message); rebuild (`swift build -c release`)") }
            FileHandle.standardError.write(Data("note: \(message): every cell reads as changed until `amsga run` rebuilds\n".utf8))
        }
        return runner
    }

    func cellIndex(_ runner: NotebookRunner, _ text: String?) throws -> Int? {
        guard let text else { return nil }
        do { return try runner.notebook.cell(text) } catch { throw RuntimeError("\(error)") }
    }
}

/// The compiled notebook named `name`. `run` and `sweep` call `Rebuild`
/// first, so a notebook still newer than the binary here is one this binary
/// cannot rebuild (it was not built from a package it can find).
func findNotebook(_ name: String, forRunning: Bool) throws -> Notebook {
    if forRunning { try Rebuild.ifSourcesChanged() }
    guard let nb = allNotebooks.first(where: { $0.name == name }) else {
        throw RuntimeError("no notebook '\(name)'; notebooks: \(allNotebooks.map(\.name).joined(separator: ", "))")
    }
    // The notebook and the keyed modules it imports (their digests enter its keys) are compiled in.
    let keyed = ((try? NotebookSource(nb))?.imports ?? []).filter(LibraryDigests.overTheEngine.contains)
    func modified(_ f: String) -> Date? { try? FileManager.default.attributesOfItem(atPath: f)[.modificationDate] as? Date }
    if let exe = modified(executablePath),
        let newer = ([nb.file] + keyed.flatMap(LibraryDigests.sourceFiles)).first(where: { (modified($0) ?? .distantPast) > exe }),
        ProcessInfo.processInfo.environment[Rebuild.marker] == nil
    {
        let rebuild =
            "a build (`swift build -c release` in the package, which `amsga run` does itself when run from the package's .build folder)"
        if forRunning {
            throw RuntimeError(
                "\(newer) changed after this amsga was built: it needs \(rebuild); "
                    + "a build that only saw comments change leaves \(executablePath) as it was, and `touch \(executablePath)` then says it is current"
            )
        }
        FileHandle.standardError.write(Data("note: \(newer) changed after amsga was built; its cells run after \(rebuild)\n".utf8))
    }
    return nb
}

/// This executable's absolute path (what sweeps and cluster jobs run).
let executablePath = SourceTree.executable

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ls", abstract: "List the notebooks, their parameters and cells.")
    @Argument(help: "Only this notebook.") var notebook: String?
    @Flag(help: "One JSON object per notebook (name, file, parameters with type, default, choices and range; cells), for scripts.")
    var json = false

    func run() throws {
        var notebooks = allNotebooks
        if let notebook {
            guard let nb = allNotebooks.first(where: { $0.name == notebook }) else {
                throw RuntimeError("no notebook '\(notebook)'; the notebooks: \(allNotebooks.map(\.name).joined(separator: ", "))")
            }
            notebooks = [nb]
        }
        for nb in notebooks {
            if json {
                print(NotebookListing(nb).json)
                continue
            }
            print("\(nb.name)  (\(nb.file))")
            print("  parameters (-p name=value):")
            for p in nb.parameters {
                print("    \(p.name)=\(p.value)  (\(p.value.kind)" + (nb.ranges[p.name].map { ", \($0)" } ?? "") + ")")
            }
            print("  cells:")
            for (i, c) in nb.cells.enumerated() { print("    [\(i + 1)] \(c.name)") }
        }
    }
}

struct RunNotebook: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run a notebook: stale cells run, fresh ones are reused; then write its report.")
    @OptionGroup var options: NotebookOptions
    @Option(help: "Run only this cell (number or name) and the stale cells it needs.") var cell: String?
    @Option(help: "Re-run every cell from this one (number or name) on.") var from: String?
    @Flag(help: "Re-run the cell(s) even if fresh.") var force = false
    @Option(parsing: .unconditional, help: "OpenBLAS threads of the training cells (results are bit-identical for a given count).")
    var threads: Int = FFConfiguration.defaultThreads

    func validate() throws {
        try validateThreads(threads)
    }

    func run() throws {
        let runner = try options.runner(forRunning: true, threads: threads)
        let start = Date()
        do {
            try runner.run(target: try options.cellIndex(runner, cell), from: try options.cellIndex(runner, from), force: force)
        } catch let e as NotebookError { throw RuntimeError(e.description) }
        let path = try NotebookReport.write(runner)
        try JupyterExport.write(runner)
        print(
            String(
                format: "%d of %d cells ran; %.2f s; report: %@ (and %@ beside it)", runner.executed.count,
                runner.notebook.cells.count, Date().timeIntervalSince(start), path, JupyterExport.fileName(runner)))
    }
}

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Each cell fresh or stale, and why.")
    @OptionGroup var options: NotebookOptions
    @Flag(help: "Exit with status 1 when any cell is stale (CI: the committed cache must match the code).") var check = false
    @Option(
        parsing: .singleValue,
        help: "A cell to report (number or name; repeatable): a study whose later cells have not run yet is checked on the cells it has.")
    var cell: [String] = []
    func run() throws {
        let runner = try options.runner()
        var stale = 0
        let chosen = Set(try cell.map { try options.cellIndex(runner, $0)! })
        for (i, c) in runner.notebook.cells.enumerated() where chosen.isEmpty || chosen.contains(i) {
            let s = runner.status(i)
            if !s.fresh { stale += 1 }
            let what = s.fresh ? "fresh" : "stale: " + s.reasons.joined(separator: "; ")
            print("[\(i + 1)] \(c.name): \(what)\(s.notes.isEmpty ? "" : " (" + s.notes.joined(separator: "; ") + ")")")
        }
        if check && stale > 0 {
            print("\(runner.notebook.name): \(stale) of \(chosen.isEmpty ? runner.notebook.cells.count : chosen.count) cells stale")
            throw ExitCode(1)
        }
    }
}

struct Clean: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Delete cached results: every parameter set's (all cells, or --cell), or all but the defaults', or those unused since a date.")
    @OptionGroup var options: NotebookOptions
    @Option(parsing: .singleValue, help: "A cell to clean (repeatable).") var cell: [String] = []
    @Flag(help: "Keep the results the notebook's defaults use (what git keeps).") var keepDefaults = false
    @Option(help: "Keep what was run or reused on or after this date (YYYY-MM-DD, UTC).") var unusedSince: String?

    func run() throws {
        let runner = try options.runner()
        var since: Date?
        if let unusedSince {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = TimeZone(identifier: "UTC")
            f.dateFormat = "yyyy-MM-dd"
            guard let d = f.date(from: unusedSince) else {
                throw ValidationError("--unused-since takes a date as YYYY-MM-DD, got '\(unusedSince)'")
            }
            since = d
        }
        let s = try runner.clean(cells: try cell.map { try options.cellIndex(runner, $0)! }, keepDefaults: keepDefaults, unusedSince: since)
        print(
            String(
                format: "%@: removed %d entries and %d run files (%.1f MiB) of %@", runner.notebook.name, s.entries, s.runFiles,
                Double(s.bytes) / 1_048_576, cell.isEmpty ? "every cell" : cell.joined(separator: ", ")))
    }
}

struct CacheCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache", abstract: "List a notebook's cached results (`amsga cache NOTEBOOK`), or migrate older ones.",
        subcommands: [CacheListing.self, CacheMigrate.self], defaultSubcommand: CacheListing.self)
}

struct CacheMigrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Rewrite a notebook's cache entries and traces from older file formats to the current one (nothing re-runs).")
    @Argument(help: "Notebook names (default: every notebook with outputs).") var notebooks: [String] = []
    @Option(help: "Folder of the notebooks' outputs.") var outputs: String = "outputs"

    func run() throws {
        let names = notebooks.isEmpty ? allNotebooks.map(\.name) : notebooks
        var failed = false
        for name in names where FileManager.default.fileExists(atPath: outputs + "/" + name) {
            let r = CacheMigration.migrate(notebookDirectory: outputs + "/" + name)
            print("\(name): \(r.entries) entries and \(r.files) other trace files migrated")
            for p in r.problems { print("  not migrated: \(p)") }
            failed = failed || !r.problems.isEmpty
        }
        if failed { throw ExitCode(1) }
    }
}

struct CacheListing: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List each cell's cached results: the parameters they read, size, when run, how long it took.")
    @OptionGroup var options: NotebookOptions
    func run() throws {
        let runner = try options.runner()
        let f = ISO8601DateFormatter()
        var total = 0
        for c in runner.cacheListing() {
            print("[\(c.index + 1)] \(c.name): \(c.entries.count) entr\(c.entries.count == 1 ? "y" : "ies")")
            for e in c.entries {
                total += e.bytes
                print(
                    String(
                        format: "  %@ %@  %8.1f KiB  ran %@ (%.1f s)  used %@  %@", e.current ? "*" : " ",
                        String(e.entry.state.key.prefix(16)), Double(e.bytes) / 1024, e.entry.state.ranAt, e.entry.state.seconds,
                        f.string(from: e.lastUsed), e.parameters.isEmpty ? "(reads no parameter)" : e.parameters))
            }
            for u in c.unreadable { print("    unreadable: \(u)") }
            for r in c.runFiles {
                total += r.bytes
                print(
                    String(
                        format: "    run file %@  %.1f MiB%@", (r.path as NSString).lastPathComponent, Double(r.bytes) / 1_048_576,
                        r.finished
                            ? ""
                            : "  (unfinished: "
                                + (r.progress.map {
                                    $0.description + ($0.lastCheckpoint == nil ? "; starts over" : "; resumes there") + " when run again"
                                }
                                    ?? "not a complete run file; its run starts over") + ")"))
            }
        }
        print(
            String(
                format: "* = the result for %@; %.1f MiB in %@",
                runner.isDefaults ? "the defaults" : runner.overrides.joined(separator: " "),
                Double(total) / 1_048_576, runner.cacheDirectory))
    }
}

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write outputs/<notebook>/report.html and <notebook>.ipynb from the cache (runs nothing).")
    @OptionGroup var options: NotebookOptions
    func run() throws {
        let runner = try options.runner()
        print(try NotebookReport.write(runner))
        print(try JupyterExport.write(runner))
    }
}
