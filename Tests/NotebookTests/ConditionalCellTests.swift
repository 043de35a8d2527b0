import Foundation
import Notebook
import TestSupport
import Testing

/// Two notebooks from one source, one of them with a cell declared under a
/// condition (as `mnist` and `fashion-mnist` share `PaperTables.swift`, and
/// only Table II has the table on a subset).
@Suite("A cell declared under a condition")
struct ConditionalCellTests {
    static let source = """
        import Studies
        func shared(_ extra: Bool) -> Notebook {
            Notebook(extra ? "with" : "without") { (nb: Cells<NoParameters>) in
                //: ## 1. First
                nb.cell("First") { ctx, _ in ctx.print(1) }

                //: ## 2. Second
                nb.cell("Second") { ctx, _ in ctx.print(2) }

                if extra {
                    //: ## 3. Only with the condition
                    nb.cell("Third") { ctx, _ in ctx.print(3) }
                }
            }
        }
        //: The end.
        let unit = 1
        """

    func read(compiledLines: [Int], _ change: (String) -> String = { $0 }) throws -> NotebookSource {
        let file = Scratch.path("conditional") + ".swift"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try change(Self.source).write(toFile: file, atomically: true, encoding: .utf8)
        return try NotebookSource(file: file, notebook: "with", compiledLines: compiledLines)
    }

    @Test("The notebook without it keeps the others' prose and code, and both read the same helpers")
    func withAndWithout() throws {
        let with = try read(compiledLines: [5, 8, 12])
        let without = try read(compiledLines: [5, 8])
        #expect(with.matchesCompiled && without.matchesCompiled)
        #expect(with.sections.count == 3 && without.sections.count == 2)
        #expect(with.sections[2].prose == "## 3. Only with the condition")
        #expect(with.sections[2].code == #"nb.cell("Third") { ctx, _ in ctx.print(3) }"#)
        #expect(without.sections.map(\.prose) == with.sections.prefix(2).map(\.prose))
        #expect(without.sections.map(\.code) == with.sections.prefix(2).map(\.code))
        #expect(!without.sections[1].code.contains("Third") && !without.outro.contains("Only with the condition"))
        #expect(with.outro == without.outro)
        #expect(with.helpers == without.helpers && with.helpers.hasSuffix("let unit = 1") && !with.helpers.contains("}\n}"))
    }

    @Test("A cell added at the notebook's own depth since the build is not taken for a conditional one")
    func addedCell() throws {
        let added = try read(compiledLines: [5, 8]) {
            $0.replacingOccurrences(
                of: "        if extra {", with: "        nb.cell(\"New\") { ctx, _ in ctx.print(0) }\n        if extra {")
        }
        #expect(!added.matchesCompiled)
    }
}
