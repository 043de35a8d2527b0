import Foundation

/// `outputs/<notebook>/<notebook>.ipynb`: the notebook as Jupyter, VS Code and
/// code hosts show one — prose as Markdown cells, each cell's Swift source
/// with what it printed, its tables and its figures, from the cell states in
/// the cache (it runs nothing). The same reading of the cache as
/// `NotebookReport`, in nbformat 4 instead of HTML.
public enum JupyterExport {
    /// The file name beside `report.html`.
    public static func fileName(_ runner: NotebookRunner) -> String { runner.notebook.name + ".ipynb" }

    static func notebook(_ runner: NotebookRunner) -> JupyterNotebook {
        var cells: [JupyterNotebook.Cell] = []
        func prose(_ text: String, id: String) {
            guard !text.isEmpty else { return }
            cells.append(.init(kind: .markdown, id: id, source: ProseMarkdown.joiningContinuationLines(text)))
        }
        for i in runner.notebook.cells.indices {
            prose(runner.source.sections[i].prose, id: String(format: "prose-%02d", i + 1))
            cells.append(codeCell(runner, i))
        }
        prose(runner.source.outro, id: "outro")
        if !runner.source.helpers.isEmpty {
            prose("## Helpers the cells call", id: "helpers-heading")
            cells.append(.init(kind: .code, id: "helpers", source: runner.source.helpers))
        }
        let nb = runner.notebook
        let amsga: [String: JSONValue] = [
            "notebook": .string(nb.name),
            "source": .string(relativePath(nb.file)),
            "parameters": .object(runner.parameters.mapValues(JSONValue.init)),
            "defaults": .object(Dictionary(uniqueKeysWithValues: nb.parameters.map { ($0.name, JSONValue($0.value)) })),
            "command": .string((["amsga", "run", nb.name] + runner.overrides.flatMap { ["-p", $0] }).joined(separator: " ")),
        ]
        return JupyterNotebook(
            cells: cells,
            metadata: [
                "language_info": .object([
                    "name": .string("swift"), "file_extension": .string(".swift"),
                    "mimetype": .string("text/x-swift"),
                ]),
                "amsga": .object(amsga),
            ])
    }

    static func codeCell(_ runner: NotebookRunner, _ i: Int) -> JupyterNotebook.Cell {
        let status = runner.status(i)
        let state = try? runner.storedState(i)
        var outputs: [JupyterNotebook.Output] = []
        if !status.fresh {
            // Visible, not silent: Jupyter shows standard error on a red ground.
            outputs.append(
                .stream(
                    name: "stderr",
                    text: "stale: " + status.reasons.joined(separator: "; ")
                        + (state == nil ? "" : "\n(the outputs below are from its last run)") + "\n"))
        }
        var meta: [String: JSONValue] = [
            "cell": .int(i + 1), "name": .string(runner.notebook.cells[i].name),
            "fresh": .bool(status.fresh),
        ]
        if let s = state {
            outputs += printed(s.output)
            for f in s.figures {
                let svg = runner.figureData(f, cell: i)
                outputs.append(figure(f, svg: svg ?? Data()))
            }
            meta["key"] = .string(s.key)
            meta["ran_at"] = .string(s.ranAt)
            meta["seconds"] = .double((s.seconds * 1000).rounded() / 1000)
            meta["git_commit"] = s.gitCommit.isEmpty ? .null : .string(s.gitCommit)
            if !s.uncommittedDiff.isEmpty { meta["uncommitted_diff_sha256"] = .string(s.uncommittedDiff) }
        }
        if !status.fresh { meta["stale_reasons"] = .array(status.reasons.map(JSONValue.string)) }
        return .init(
            kind: .code, id: String(format: "cell-%02d", i + 1), source: runner.source.sections[i].code,
            metadata: ["amsga": .object(meta)], executionCount: state == nil ? nil : i + 1, outputs: outputs)
    }

    /// A figure as its SVG and, for renderers that prefer HTML, as an `<img>`
    /// of the same bytes: nbconvert 6 (Debian bookworm's) passes inline SVG
    /// through a cleaner that drops its drawing, while an image with a data
    /// URI renders in nbconvert, JupyterLab, VS Code and code hosts alike.
    static func figure(_ name: String, svg: Data) -> JupyterNotebook.Output {
        let img =
            "<img src=\"data:image/svg+xml;base64," + svg.base64EncodedString() + "\" alt=\""
            + NotebookReport.escape(name) + "\">"
        return .displayData(["image/svg+xml": String(decoding: svg, as: UTF8.self), "text/html": img, "text/plain": name])
    }

    /// A cell's printed text: Markdown tables (runs of lines starting with
    /// "|") as display data, the rest as standard output, in order.
    static func printed(_ text: String) -> [JupyterNotebook.Output] {
        PrintedBlocks.split(text).map { block in
            block.isTable
                ? .displayData(["text/markdown": block.text, "text/plain": block.text])
                : .stream(name: "stdout", text: block.text + "\n")
        }
    }

    /// The path from the package root, so that the file is the same in every clone.
    static func relativePath(_ file: String) -> String {
        guard let root = SourceTree.root, file.hasPrefix(root + "/") else { return file }
        return String(file.dropFirst(root.count + 1))
    }

    /// Writes the export and returns its path (`path` defaults to the file beside `report.html`).
    @discardableResult
    public static func write(_ runner: NotebookRunner, to path: String? = nil) throws -> String {
        let path = path ?? runner.outputDirectory + "/" + fileName(runner)
        try Data(notebook(runner).json().utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        return path
    }
}
