import Foundation

/// The cells that cells of an untyped notebook (`Cell("…")`, reading by title)
/// name in string literals (`from: "Cell"`), checked before any cell runs, so
/// that a typo in a title is an error at once rather than after hours of
/// training. Typed notebooks (`nb.cell`) refer to cells by handle, which the
/// compiler checks; the notebooks still written the old way are those whose
/// cells would re-run if their source changed (`backprop`, `timing`).
struct CellReferences {
    struct Problem: CustomStringConvertible {
        let description: String
    }

    /// Every reference that names no earlier cell.
    static func problems(in notebook: Notebook, source: NotebookSource) -> [Problem] {
        let cellLiteral = try! Regex(#"from:\s*"([^"\\]*)""#)
        var problems: [Problem] = []
        let cells = notebook.cells.enumerated().map { "\($0.offset + 1) \($0.element.name)" }.joined(separator: ", ")
        func cellLabel(_ i: Int) -> String { "notebook '\(notebook.name)', cell \(i + 1) (\(notebook.cells[i].name))" }
        for (i, section) in source.sections.enumerated() where i < notebook.cells.count {
            for m in section.code.matches(of: cellLiteral) {
                guard let name = m.output[1].substring.map(String.init) else { continue }
                guard let j = try? notebook.cell(name) else {
                    problems.append(
                        Problem(description: "\(cellLabel(i)) reads cell '\(name)', which the notebook does not have; its cells: \(cells)"))
                    continue
                }
                if j >= i {
                    problems.append(
                        Problem(
                            description:
                                "\(cellLabel(i)) reads cell '\(name)', which is not before it: a cell reads only the cells above it"))
                }
            }
        }
        return problems
    }
}
