import Foundation

/// The cells and runs a notebook's cells name in string literals
/// (`from: "Cell"`, `cell: "Cell"`, `ctx.sweep("Cell", …)`, `ctx.run("run", from: "Cell")`,
/// `ctx.train(…, as: "run")`), checked before any cell runs, so that a typo
/// in a cell title or run name is an error at once rather than after hours of
/// training. Names built at run time (interpolated) are checked when read.
struct CellReferences {
    struct Problem: CustomStringConvertible {
        let description: String
    }

    /// Every reference that names no earlier cell, or a run that cell does not train.
    static func problems(in notebook: Notebook, source: NotebookSource) -> [Problem] {
        let cellLiteral = try! Regex(#"(?:from:|cell:|\.sweep\()\s*"([^"\\]*)""#)
        let runRead = try! Regex(#"ctx\.run\(\s*"([^"\\]*)"\s*,\s*from:\s*"([^"\\]*)""#)
        let runTrained = try! Regex(#"\bas:\s*"([^"\\]*)""#)
        var problems: [Problem] = []
        let cells = notebook.cells.enumerated().map { "\($0.offset + 1) \($0.element.name)" }.joined(separator: ", ")
        func where_(_ i: Int) -> String { "notebook '\(notebook.name)', cell \(i + 1) (\(notebook.cells[i].name))" }
        for (i, section) in source.sections.enumerated() where i < notebook.cells.count {
            for m in section.code.matches(of: cellLiteral) {
                guard let name = m.output[1].substring.map(String.init) else { continue }
                guard let j = try? notebook.cell(name) else {
                    problems.append(Problem(description: "\(where_(i)) reads cell '\(name)', which the notebook does not have; its cells: \(cells)"))
                    continue
                }
                if j >= i {
                    problems.append(Problem(description: "\(where_(i)) reads cell '\(name)', which is not before it: a cell reads only the cells above it"))
                }
            }
            for m in section.code.matches(of: runRead) {
                guard let run = m.output[1].substring.map(String.init), let cellName = m.output[2].substring.map(String.init),
                      let j = try? notebook.cell(cellName), j < source.sections.count else { continue }
                let trained = source.sections[j].code.matches(of: runTrained).compactMap { $0.output[1].substring.map(String.init) }
                let builtAtRunTime = source.sections[j].code.range(of: #"as:\s*"[^"]*\\\("#, options: .regularExpression) != nil
                if !trained.contains(run) && !builtAtRunTime {
                    problems.append(Problem(description: "\(where_(i)) reads run '\(run)' from cell \(j + 1) (\(notebook.cells[j].name)), which trains "
                        + (trained.isEmpty ? "no run by a literal name" : "only " + trained.map { "'\($0)'" }.joined(separator: ", "))))
                }
            }
        }
        return problems
    }
}
