import ArgumentParser
import Datasets
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

    /// The notebook's runner. Its cells are compiled in, so a source edited
    /// after the build would be hashed but not run: `run` (`forRunning`)
    /// refuses then; the read-only commands go on (they read the file as it is
    /// now, so an edited cell shows as stale) and say so.
    func runner(forRunning: Bool = false) throws -> NotebookRunner {
        guard let nb = allNotebooks.first(where: { $0.name == notebook }) else {
            throw RuntimeError("no notebook '\(notebook)'; notebooks: \(allNotebooks.map(\.name).joined(separator: ", "))")
        }
        let exePath = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        if let exe = try? FileManager.default.attributesOfItem(atPath: exePath)[.modificationDate] as? Date,
           let src = try? FileManager.default.attributesOfItem(atPath: nb.file)[.modificationDate] as? Date, src > exe {
            let rebuild = "rebuild (`swift build -c release`, or use `swift run -c release amsga …`)"
            if forRunning { throw RuntimeError("\(nb.file) changed after amsga was built: \(rebuild) first") }
            FileHandle.standardError.write(Data("note: \(nb.file) changed after amsga was built; `run` needs a \(rebuild)\n".utf8))
        }
        return try NotebookRunner(nb, overrides: parameters, outputs: outputs, locator: DataLocator(explicit: data.directory))
    }

    func cellIndex(_ runner: NotebookRunner, _ text: String?) throws -> Int? {
        guard let text else { return nil }
        do { return try runner.notebook.cell(text) } catch { throw RuntimeError("\(error)") }
    }
}

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ls", abstract: "List the notebooks, their parameters and cells.")
    func run() {
        for nb in allNotebooks {
            print("\(nb.name)  (\(nb.file))")
            print("  parameters: " + nb.parameters.map { "\($0.name)=\($0.value)" }.joined(separator: " "))
            for (i, c) in nb.cells.enumerated() { print("  [\(i + 1)] \(c.name)") }
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

    func run() throws {
        let runner = try options.runner(forRunning: true)
        let start = Date()
        do {
            try runner.run(target: try options.cellIndex(runner, cell), from: try options.cellIndex(runner, from), force: force)
        } catch let e as NotebookError { throw RuntimeError(e.description) }
        let path = try NotebookReport.write(runner)
        print(String(format: "%d of %d cells ran; %.2f s; report: %@", runner.executed.count, runner.notebook.cells.count,
                     Date().timeIntervalSince(start), path))
    }
}

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Each cell fresh or stale, and why.")
    @OptionGroup var options: NotebookOptions
    @Flag(help: "Exit with status 1 when any cell is stale (CI: the committed cache must match the code).") var check = false
    func run() throws {
        let runner = try options.runner()
        var stale = 0
        for (i, c) in runner.notebook.cells.enumerated() {
            let s = runner.status(i)
            if !s.fresh { stale += 1 }
            let what = s.fresh ? "fresh" : "stale: " + s.reasons.joined(separator: "; ")
            print("[\(i + 1)] \(c.name): \(what)\(s.notes.isEmpty ? "" : " (" + s.notes.joined(separator: "; ") + ")")")
        }
        if check && stale > 0 {
            print("\(runner.notebook.name): \(stale) of \(runner.notebook.cells.count) cells stale")
            throw ExitCode(1)
        }
    }
}

struct Clean: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Delete a notebook's cached state (all cells, or --cell).")
    @OptionGroup var options: NotebookOptions
    @Option(parsing: .singleValue, help: "A cell to clean (repeatable).") var cell: [String] = []
    func run() throws {
        let runner = try options.runner()
        try runner.clean(cells: try cell.map { try options.cellIndex(runner, $0)! })
        print("cleaned \(cell.isEmpty ? "every cell" : cell.joined(separator: ", ")) of \(runner.notebook.name)")
    }
}

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write outputs/<notebook>/report.html from the cache (runs nothing).")
    @OptionGroup var options: NotebookOptions
    func run() throws { print(try NotebookReport.write(try options.runner())) }
}
