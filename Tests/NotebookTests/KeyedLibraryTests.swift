import Foundation
import Notebook
import TestSupport
import Testing

@Suite("The library note")
struct LibraryNoteTests {
    @Test("A cell run now has no note; a recorded digest that differs names its module; an old single digest says so")
    func modules() throws {
        let box = try Sandbox()
        let r = try box.runner()
        try r.run()
        #expect(try box.runner().status(0).notes.isEmpty)
        var digests = try JSONDecoder().decode([String: String].self, from: Data(NotebookRunner.libraryFingerprint.utf8))
        #expect(digests.keys.contains("ForwardForward") && digests.keys.contains("Notebook"))
        digests["ForwardForward"] = "0"
        let changed = String(decoding: try JSONEncoder().encode(digests), as: UTF8.self)
        #expect(NotebookRunner.changedModules(since: changed) == ["ForwardForward"])
        #expect(NotebookRunner.changedModules(since: String(repeating: "a", count: 64)) == nil)
    }
}

@Suite("Keyed library modules and the code around a notebook")
struct KeyedLibraryTests {
    @Test("Only modules written over the engine are keyed: Studies is, the lower layers are not")
    func whichModules() {
        #expect(LibraryDigests.overTheEngine.contains("Studies"))
        #expect(!LibraryDigests.overTheEngine.contains("ForwardForward") && !LibraryDigests.overTheEngine.contains("Notebook"))
        let keyed = LibraryDigests.keyed(imports: ["Foundation", "ForwardForward", "Notebook", "Studies"])
        #expect(keyed == ["Studies": LibraryDigests.modules["Studies"]!])
    }

    @Test("Importing Studies makes every cell stale, saying why; the cells record its digest; dropping the import finds the old entries")
    func importKeys() throws {
        let box = try Sandbox()
        try box.runner().run()
        try box.edit("import Notebook\n", "import Notebook\nimport Studies // shared helpers\n")
        let r = try box.runner()
        #expect(r.source.imports == ["Notebook", "Studies"])
        #expect(box.stale(r) == [1, 2, 3, 4])
        #expect(r.status(0).reasons == ["library Studies now keyed"])
        try r.run()
        #expect(r.executed == [0, 1, 2, 3])
        let state = try box.runner().storedState(0)
        #expect(state.libraries == ["Studies": LibraryDigests.modules["Studies"]!])
        try box.edit("import Studies // shared helpers\n", "")
        #expect(box.stale(try box.runner()).isEmpty)
    }

    @Test("An import line names its module, whatever its form; a malformed one names none and crashes nothing")
    func importLines() throws {
        let file = Scratch.path("imports") + ".swift"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try """
        import Studies
        @testable import Notebook // the engine
        import struct Figures.TraceFigures
        import .
        import
        let imports = 1
        let nb = Notebook("imports") { (nb: Cells<NoParameters>) in
            nb.cell("Only") { ctx, _ in ctx.print(imports) }
        }
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let source = try NotebookSource(file: file, notebook: "imports", compiledLines: [8])
        #expect(source.imports == ["Studies", "Notebook", "Figures"])
        #expect(source.helpers == "import .\nimport\nlet imports = 1")
    }

    @Test("Code before the notebook (its parameters) is keyed like the helpers after it; imports are not")
    func codeBefore() throws {
        let box = try Sandbox()
        try box.runner().run()
        try box.edit("//: # A test notebook", "let unit = 1.0\n\n//: # A test notebook")
        let r = try box.runner()
        #expect(r.source.helpers.contains("let unit = 1.0\n") && r.source.helpers.contains("func greeting()"))
        #expect(!r.source.helpers.contains("import"))
        #expect(box.stale(r) == [1, 2, 3, 4] && r.status(0).reasons == ["source changed"])
    }
}
