import Foundation
import Notebook
import RunStore
import TestSupport
import Testing

@Suite("The Jupyter export", .serialized)
struct JupyterExportTests {
    /// The export notebook run in a scratch folder, from a copy of its source (so a test can edit a cell).
    struct Exported {
        let dir = Scratch.path("ipynb")
        var source: String { dir + "/TestNotebook.swift" }

        init() throws {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: exportNotebook.file, toPath: source)
        }

        func runner() throws -> NotebookRunner {
            let r = try NotebookRunner(exportNotebook.readingSource(from: source), outputs: dir + "/outputs")
            r.log = { _ in }
            return r
        }

        func export(_ r: NotebookRunner) throws -> [String: Any] {
            let path = try JupyterExport.write(r)
            #expect(path == dir + "/outputs/export/export.ipynb")
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        }
    }

    static func joined(_ lines: Any?) -> String { (lines as? [String] ?? []).joined() }
    static func codeCells(_ nb: [String: Any]) -> [[String: Any]] {
        (nb["cells"] as? [[String: Any]] ?? []).filter { $0["cell_type"] as? String == "code" }
    }

    @Test("Prose as Markdown, each cell's source with its printed text, tables and figures as the cell state holds them")
    func outputsMatchTheCellStates() throws {
        let box = try Exported()
        let r = try box.runner()
        try r.run()
        let nb = try box.export(r)
        #expect(nb["nbformat"] as? Int == 4 && nb["nbformat_minor"] as? Int == 5)
        let meta = try #require(nb["metadata"] as? [String: Any])
        #expect((meta["language_info"] as? [String: Any])?["name"] as? String == "swift")
        #expect(((meta["amsga"] as? [String: Any])?["parameters"] as? [String: Any])?["n"] as? Int == 3)
        let cells = try #require(nb["cells"] as? [[String: Any]])
        #expect(cells.map { $0["cell_type"] as? String } == ["markdown", "code", "markdown", "code"])
        #expect(Self.joined(cells[0]["source"]) == "# Export\nText, a table, more text and a figure.")
        let code = Self.codeCells(nb)
        #expect(code.map { $0["execution_count"] as? Int } == [1, 2])
        #expect(Self.joined(code[1]["source"]) == "nb.cell(\"Second\") { ctx, p in\n    ctx.print(\"n =\", p.n)\n}")

        let state = try #require(r.entry(0)).state
        let outputs = try #require(code[0]["outputs"] as? [[String: Any]])
        #expect(outputs.map { $0["output_type"] as? String } == ["stream", "display_data", "stream", "display_data"])
        // Printed text and tables, put back together, are the recorded output.
        let text = outputs.prefix(3).map { o in
            Self.joined(o["text"] ?? (o["data"] as? [String: Any])?["text/markdown"]).trimmingCharacters(in: .newlines)
        }
        #expect(text.joined(separator: "\n") + "\n" == state.output)
        #expect(text[1] == "| a | b |\n|---|---|\n| 1 | 2 |")
        // The figure, byte for byte.
        let svg = Self.joined((outputs[3]["data"] as? [String: Any])?["image/svg+xml"])
        #expect(Data(svg.utf8) == FileManager.default.contents(atPath: try #require(r.entry(0)).figurePath("line.svg")))
        let amsga = try #require((code[0]["metadata"] as? [String: Any])?["amsga"] as? [String: Any])
        #expect(amsga["key"] as? String == state.key && amsga["fresh"] as? Bool == true && amsga["ran_at"] as? String == state.ranAt)

        // Exporting an unchanged cache gives the same bytes (what CI compares with the committed file).
        let first = try String(contentsOfFile: box.dir + "/outputs/export/export.ipynb", encoding: .utf8)
        try JupyterExport.write(try box.runner())
        #expect(try String(contentsOfFile: box.dir + "/outputs/export/export.ipynb", encoding: .utf8) == first)
    }

    @Test("A stale cell is exported with a visible note, its last outputs after it")
    func staleCellNoted() throws {
        let box = try Exported()
        try box.runner().run()
        let s = try String(contentsOfFile: box.source, encoding: .utf8)
        try s.replacingOccurrences(of: "ctx.print(\"n =\", p.n)", with: "ctx.print(\"n is\", p.n)")
            .write(toFile: box.source, atomically: true, encoding: .utf8)
        let code = Self.codeCells(try box.export(try box.runner()))
        let outputs = try #require(code[1]["outputs"] as? [[String: Any]])
        #expect(outputs.first?["name"] as? String == "stderr")
        let note = Self.joined(outputs.first?["text"])
        #expect(note.hasPrefix("stale: source changed"), "\(note)")
        #expect(Self.joined(outputs.last?["text"]) == "n = 3\n")
        let amsga = (code[1]["metadata"] as? [String: Any])?["amsga"] as? [String: Any]
        #expect(amsga?["fresh"] as? Bool == false && amsga?["stale_reasons"] as? [String] == ["source changed"])
        #expect(((code[0]["outputs"] as? [[String: Any]])?.first?["name"] as? String) == "stdout")
    }

    @Test("nbformat validates the export (where Python's nbformat is installed, as in CI)")
    func nbformatValidates() throws {
        let box = try Exported()
        let r = try box.runner()
        try r.run()
        let path = try JupyterExport.write(r)
        guard try Subprocess.run(["/usr/bin/python3", "-c", "import nbformat"]).status == 0 else {
            print("skipping: python3-nbformat not installed")
            return
        }
        let check = try Subprocess.run([
            "/usr/bin/python3", "-c",
            "import nbformat, sys; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))", path,
        ])
        #expect(check.status == 0, "\(check.output)")
    }
}
