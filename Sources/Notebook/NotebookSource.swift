import Foundation

/// The notebook file as a reader sees it: prose blocks (`//:` lines and
/// `/*: … */` blocks, Markdown) and each cell's code, cut at the cells' lines.
public struct NotebookSource: Sendable {
    public struct Section: Sendable {
        /// Markdown prose before the cell.
        public var prose: String
        /// The cell's code with its prose removed; the key hashes this.
        public var code: String
    }

    /// sections[i] belongs to cell i: the prose before it (for cell 1, everything
    /// before it, the notebook's introduction included) and its code.
    public var sections: [Section]

    /// Whether the file declares the compiled notebook's cells: as many, or
    /// more only by cells declared under a condition that this notebook does
    /// not meet. When it does not (a cell added or removed since the build),
    /// every cell reads as changed until `amsga run` rebuilds.
    public var matchesCompiled: Bool

    /// Cells are found by their `nb.cell(` lines in the file as it is now, so an
    /// edit that moves them (before a rebuild) still cuts the file right;
    /// `compiledLines` (the `#line`s the binary has) serve when the count differs.
    /// A file may hold several notebooks: the cells counted are those after
    /// `Notebook("<name>"` and before the next `Notebook(`. Several notebooks
    /// may also share one source (`public let mnist: Notebook = paperTables(…)`
    /// over one `Notebook(E.name)`): each reads the same cells, except a cell
    /// declared under a condition (`if let size = E.subsetSize { nb.cell(…) }`,
    /// indented deeper than the notebook's cells), which only the notebooks
    /// that meet it have: the file is cut at every declared cell, and a
    /// notebook without that one keeps the other cells' prose and code.
    /// The source of `notebook` as its file is now.
    public init(_ notebook: Notebook) throws {
        try self.init(file: notebook.file, notebook: notebook.name, compiledLines: notebook.cells.map(\.line))
    }

    public init(file: String, notebook name: String, compiledLines: [Int]) throws {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw NotebookError("cannot read the notebook source \(file)")
        }
        let source = SourceLines(text)
        let lines = source.lines
        // A notebook named by a literal, else (one source for several notebooks,
        // named by a value) the file's first `Notebook(`.
        let start = lines.firstIndex { $0.contains("Notebook(\"\(name)\"") } ?? lines.firstIndex { $0.contains("Notebook(") } ?? 0
        let end = lines[(start + 1)...].firstIndex { $0.contains("Notebook(") } ?? lines.count
        let found = (start..<end).filter { Self.declaresCell(lines[$0]) }
        let compiled = compiledLines.map { min(max($0, 1), lines.count) - 1 }
        let lacksConditional = Self.lacksOnlyConditionalCells(found: found, compiled: compiled, lines)
        matchesCompiled = found.count == compiled.count || lacksConditional
        let starts = matchesCompiled ? found : compiled
        // The prose of a file's first notebook starts at the top; a later
        // notebook's, after the code before its `Notebook(` line.
        let isLater = lines[..<start].contains { $0.contains("Notebook(") }
        imports = source.imports
        var proseStart = isLater ? (source.lastCode(in: 0..<start) ?? -1) + 1 : 0
        sections = []
        for (k, s) in starts.enumerated() {
            let end = k + 1 < starts.count ? starts[k + 1] : lines.count
            // A cell's code runs to its last code line; the prose after it introduces the next cell.
            let lastCode = source.lastCode(in: s..<end) ?? s
            let section = Section(prose: source.proseText(proseStart..<s), code: source.codeText(s..<lastCode + 1))
            if !lacksConditional || compiled.contains(s) { sections.append(section) }
            proseStart = lastCode + 1
        }
        outro = source.proseText(proseStart..<lines.count)
        let before = isLater ? "" : source.codeBefore(start)
        let cellIndent = starts.map { Self.indent(lines[$0]) }.min() ?? 0
        let after = starts.last.map { source.codeAfterNotebook(lastCell: $0, cellIndent: cellIndent) } ?? ""
        helpers = [before, after].filter { !$0.isEmpty }.joined(separator: "\n\n")
    }

    /// The module a line imports (`import Studies`, `@testable import X`, `import struct X.Y`), else nil.
    static func importedModule(_ line: String) -> String? {
        let code = line.range(of: "//").map { String(line[..<$0.lowerBound]) } ?? line
        var words = code.split(separator: " ").map(String.init)
        while let w = words.first, w.hasPrefix("@") { words.removeFirst() }
        guard words.first == "import", words.count >= 2, let module = words.last?.split(separator: ".").first else { return nil }
        return String(module)
    }

    /// Every line's Markdown text if it is prose (`//:` lines and `/*: … */`
    /// blocks), nil if it is code.
    static func prose(_ lines: [String]) -> [String?] {
        var prose = [String?](repeating: nil, count: lines.count)
        // A block's lines lose only the indent they share: a fenced command's
        // continuation lines and a nested list keep their own.
        var block: [Int] = []
        func dedentBlock() {
            let shared = block.filter { !lines[$0].allSatisfy { $0 == " " } }.map { indent(lines[$0]) }.min() ?? 0
            for i in block { prose[i] = String(lines[i].dropFirst(min(shared, indent(lines[i])))) }
            block = []
        }
        var inBlock = false
        for (i, line) in lines.enumerated() {
            let t = line.trimmingCharacters(in: .whitespaces)
            if inBlock {
                if let end = t.range(of: "*/") {
                    dedentBlock()
                    prose[i] = String(t[..<end.lowerBound])
                    inBlock = false
                } else {
                    block.append(i)
                    prose[i] = line
                }
            } else if t.hasPrefix("/*:") {
                let rest = String(t.dropFirst(3))
                if let end = rest.range(of: "*/") {
                    prose[i] = String(rest[..<end.lowerBound])
                } else {
                    prose[i] = rest
                    inBlock = true
                }
            } else if t.hasPrefix("//:") {
                prose[i] = String(t.dropFirst(3)).trimmingLeadingSpace()
            }
        }
        dedentBlock()
        return prose
    }

    /// The compiled cells are among those declared, and the others are
    /// indented deeper than the shallowest compiled one: cells under a
    /// condition this notebook does not meet, not cells added since the build.
    static func lacksOnlyConditionalCells(found: [Int], compiled: [Int], _ lines: [String]) -> Bool {
        guard found.count > compiled.count, Set(compiled).isSubset(of: found),
            let cellIndent = compiled.map({ indent(lines[$0]) }).min()
        else { return false }
        return found.filter { !compiled.contains($0) }.allSatisfy { indent(lines[$0]) > cellIndent }
    }

    /// A line that starts a cell: `let name = nb.cell("…")`, or `nb.cell(` alone.
    static func declaresCell(_ line: String) -> Bool {
        let t = line.trimmingCharacters(in: .whitespaces)
        return t.wholeMatch(of: cellDeclaration) != nil
    }

    nonisolated(unsafe) static let cellDeclaration = #/(?:(?:let|var)\s+\w+\s*=\s*)?\w+\.cell\(.*/#

    static func indent(_ line: String) -> Int { line.prefix { $0 == " " }.count }

    /// The code outside the notebook's cells: before its `Notebook(` line
    /// (imports aside; for the file's first notebook) and after its closing
    /// brace. Its parameters and the helpers the cells call: part of every
    /// cell's key, so that changing one reruns the cells.
    public var helpers: String

    /// The modules the file imports; those written over the engine are keyed (`LibraryDigests.keyed`).
    public var imports: [String]

    /// Prose after the last cell's code.
    public var outro: String
}

extension String {
    func trimmingLeadingSpace() -> String { hasPrefix(" ") ? String(dropFirst()) : self }
}
