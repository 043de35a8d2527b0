import Foundation
import Notebook
import TestSupport
import Testing

@Suite("The HTML report", .serialized)
struct ReportTests {
    @Test("One file: prose paragraphs whole (a line may start with `code`), lists kept, figures inline, each cell's status and commit")
    func report() throws {
        let box = try Sandbox()
        try box.edit(
            "//: Cell 2 shifts it.",
            """
            //: Cell 2 shifts it by
            //: `offset`, a parameter, and then
            //: `scale` is not used.
            //:
            //: - first item
            //:   continued
            //: - second item
            """)
        let r = try box.runner()
        try r.run()
        let html = try NotebookReport.render(r)
        #expect(
            html.contains("<p>Cell 2 shifts it by <code>offset</code>, a parameter, and then <code>scale</code> is not used.</p>"),
            "\(html)")
        #expect(html.contains("<li>first item continued</li>") && html.contains("<li>second item</li>"))
        #expect(html.components(separatedBy: "computed in this run").count == 5)
        #expect(html.contains("at commit "))
        #expect(!html.contains("<img src=\"figure"))
    }

    @Test("A /*: … */ block keeps its lines' relative indent: they lose only the indent they share")
    func blockKeepsRelativeIndent() throws {
        let file = Scratch.path("prose") + ".swift"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try """
        let nb = Notebook("prose") {
        /*:
         Run it so:

             amsga sweep prose -p seed=0..2 \\
                 --cell Train
         */
            nb.cell("Train") { ctx, _ in
                ctx.print("x")
            }
        }
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let source = try NotebookSource(file: file, notebook: "prose", compiledLines: [8])
        #expect(source.sections.count == 1)
        #expect(source.sections.first?.prose == "Run it so:\n\n    amsga sweep prose -p seed=0..2 \\\n        --cell Train")
        #expect(source.sections.first?.code.hasPrefix("nb.cell(\"Train\")") == true)
    }
}
