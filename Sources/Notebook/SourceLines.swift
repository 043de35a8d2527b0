/// A notebook file's lines, each known as prose or code: what `NotebookSource`
/// cuts into a cell's prose, its code (which the key hashes) and the helpers.
struct SourceLines {
    let lines: [String]
    /// Each line's Markdown text if it is prose, nil if it is code.
    let prose: [String?]

    init(_ text: String) {
        lines = text.components(separatedBy: "\n")
        prose = NotebookSource.prose(lines)
    }

    /// A line of code that is not blank.
    func isCode(_ i: Int) -> Bool { prose[i] == nil && !lines[i].trimmingCharacters(in: .whitespaces).isEmpty }

    /// The last line of code in `r`, if any.
    func lastCode(in r: Range<Int>) -> Int? { r.last(where: isCode) }

    /// The prose lines of `r`, joined.
    func proseText(_ r: Range<Int>) -> String {
        r.compactMap { prose[$0] }.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Code lines of a cell, dedented to its declaration line's indentation; lines
    /// indented less than it (the notebook's own closing brace) end the cell.
    func codeText(_ r: Range<Int>) -> String {
        guard let first = r.first else { return "" }
        let base = NotebookSource.indent(lines[first])
        var out: [String] = []
        for i in r where prose[i] == nil {
            let line = lines[i]
            let indent = NotebookSource.indent(line)
            if i > first, !line.trimmingCharacters(in: .whitespaces).isEmpty, indent < base { break }
            out.append(String(line.dropFirst(min(base, indent))))
        }
        return out.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The modules the file's code imports.
    var imports: [String] { lines.indices.filter { prose[$0] == nil }.compactMap { NotebookSource.importedModule(lines[$0]) } }

    /// Code before line `start` (a notebook's parameters, say), imports aside.
    func codeBefore(_ start: Int) -> String {
        (0..<start).filter { prose[$0] == nil && NotebookSource.importedModule(lines[$0]) == nil }.map { lines[$0] }
            .joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Code after the brace that closes the notebook whose last cell starts at
    /// `lastCell` (the first code line after it indented less than the
    /// notebook's cells, `cellIndent`): the helpers its cells call.
    func codeAfterNotebook(lastCell: Int, cellIndent: Int) -> String {
        guard let close = (lastCell + 1..<lines.count).first(where: { isCode($0) && NotebookSource.indent(lines[$0]) < cellIndent }) else {
            return ""
        }
        return (close + 1..<lines.count).filter { prose[$0] == nil }.map { lines[$0] }.joined(separator: "\n")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
