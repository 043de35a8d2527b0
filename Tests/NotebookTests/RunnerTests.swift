import Foundation
import HDF5
import Notebook
import TestSupport
import Testing

/// A runner over a private copy of the test notebook's source, with its own outputs.
struct Sandbox {
    let dir: String
    let sourceCopy: String

    init() throws {
        dir = try Scratch.folder("nb")
        sourceCopy = dir + "/TestNotebook.swift"
        try FileManager.default.copyItem(atPath: testNotebook.file, toPath: sourceCopy)
    }

    func runner(_ overrides: [String] = []) throws -> NotebookRunner {
        let r = try NotebookRunner(testNotebook.readingSource(from: sourceCopy), overrides: overrides, outputs: dir + "/outputs")
        r.log = { _ in }
        return r
    }

    func edit(_ from: String, _ to: String) throws {
        let s = try String(contentsOfFile: sourceCopy, encoding: .utf8)
        #expect(s.contains(from))
        try s.replacingOccurrences(of: from, with: to).write(toFile: sourceCopy, atomically: true, encoding: .utf8)
    }

    func stale(_ r: NotebookRunner) -> [Int] { r.notebook.cells.indices.filter { !r.status($0).fresh }.map { $0 + 1 } }
}

@Suite("Notebook runner", .serialized)
struct RunnerTests {
    @Test("Source text: prose separated from code, cells cut at their lines")
    func source() throws {
        let s = try Sandbox().runner().source
        #expect(s.sections.count == 4)
        #expect(s.sections[0].prose.contains("# A test notebook") && s.sections[0].prose.contains("Cell 1 makes a vector."))
        #expect(s.sections[1].prose == "Cell 2 shifts it.")
        #expect(s.sections[0].code.hasPrefix("let make = nb.cell(\"Make\")") && !s.sections[0].code.contains("Cell 2"))
        #expect(s.sections[3].code == "nb.cell(\"Independent\") { ctx, _ in\n    ctx.print(greeting())\n}")
        #expect(s.helpers.contains("func greeting()"))
    }

    @Test("A second run executes nothing, quickly")
    func secondRun() throws {
        let box = try Sandbox()
        let first = try box.runner()
        try first.run()
        #expect(first.executed == [0, 1, 2, 3])
        let start = Date()
        let second = try box.runner()
        try second.run()
        #expect(second.executed.isEmpty)
        #expect(Date().timeIntervalSince(start) < 2)
        #expect(box.stale(second).isEmpty)
    }

    @Test("Editing one cell makes it and the cells that read it stale, and no others")
    func editCell() throws {
        let box = try Sandbox()
        try box.runner().run()
        try box.edit("x.map { $0 + Double(p.offset) }", "x.map { $0 + Double(p.offset) * 1 }")
        let r = try box.runner()
        #expect(box.stale(r) == [2, 3])
        #expect(r.status(1).reasons == ["source changed"])
        #expect(r.status(2).reasons == ["upstream cell 2 changed"])
        // Prose is not code: editing it changes nothing.
        try box.edit("Cell 4 reads nothing.", "Cell 4 still reads nothing.")
        #expect(try box.stale(box.runner()) == [2, 3])
        let again = try box.runner()
        try again.run()
        #expect(again.executed == [1, 2])
    }

    @Test("Lines added before a cell (an edit not yet built) move the cells: they are found in the file as it is")
    func movedCells() throws {
        let box = try Sandbox()
        try box.runner().run()
        try box.edit("//: Cell 2 shifts it.", "//: Cell 2 shifts it.\n    //: It adds the offset\n    //: to every element.")
        let r = try box.runner()
        #expect(r.source.matchesCompiled)
        #expect(box.stale(r).isEmpty)
        #expect(r.source.sections[1].prose.hasSuffix("to every element."))
        // A cell more than the binary has: every cell reads as changed until a rebuild.
        try box.edit("    //: Cell 4 reads nothing.", "    nb.cell(\"Extra\") { ctx, _ in ctx.print(1) }\n    //: Cell 4 reads nothing.")
        let added = try box.runner()
        #expect(!added.source.matchesCompiled)
    }

    @Test("A figure a cell no longer draws leaves the outputs folder")
    func removedFigure() throws {
        let dir = Scratch.path("figures")
        defer {
            try? FileManager.default.removeItem(atPath: dir)
            figuresToDraw = 2
        }
        func run() throws {
            let r = try NotebookRunner(figureNotebook, outputs: dir)
            r.log = { _ in }
            try r.run(force: true)
        }
        figuresToDraw = 2
        try run()
        #expect(FileManager.default.fileExists(atPath: dir + "/figures/figure-1.svg"))
        figuresToDraw = 1
        try run()
        #expect(FileManager.default.fileExists(atPath: dir + "/figures/figure-0.svg"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/figures/figure-1.svg"))
    }

    @Test("Editing a helper after the notebook makes every cell stale")
    func editHelper() throws {
        let box = try Sandbox()
        try box.runner().run()
        try box.edit("func greeting() -> String { \"hello\" }", "func greeting() -> String { \"hi\" }")
        let r = try box.runner()
        #expect(box.stale(r) == [1, 2, 3, 4])
        #expect(r.status(3).reasons == ["source changed"])
    }

    @Test("Changing a parameter makes exactly the cells that read it (and their readers) stale")
    func parameterChange() throws {
        let box = try Sandbox()
        try box.runner().run()
        let r = try box.runner(["offset=5"])
        #expect(box.stale(r) == [2, 3])
        #expect(r.status(1).reasons == ["parameter offset changed (1 → 5)"])
        #expect(try box.stale(box.runner(["scale=3"])) == [1, 2, 3])
        try r.run()
        #expect(r.executed == [1, 2])
        let f = try HDF5File.open(try #require(r.entry(2)).statePath)
        #expect(try f.root.attribute("output").string == "sum 27.0\n")
    }

    @Test("A deleted state file and a corrupt one are re-run, not trusted")
    func missingAndCorrupt() throws {
        let box = try Sandbox()
        let first = try box.runner()
        try first.run()
        try FileManager.default.removeItem(atPath: try #require(first.entry(3)).directory)
        let corrupt = try #require(first.entry(0)).statePath
        let bytes = try Data(contentsOf: URL(fileURLWithPath: corrupt))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: corrupt))
        let r = try box.runner()
        #expect(r.status(3).reasons == ["output missing (never run)"])
        #expect(r.status(0).reasons.first?.hasPrefix("state unreadable") == true)
        try r.run()
        #expect(r.executed.contains(0) && r.executed.contains(3))
        #expect(try box.stale(box.runner()).isEmpty)
    }

    @Test("--cell runs only the stale cells it needs")
    func singleCell() throws {
        let box = try Sandbox()
        try box.runner().run()
        try box.edit("x.map { $0 + Double(p.offset) }", "x.map { Double(p.offset) + $0 }")
        let r = try box.runner()
        try r.run(target: 3)  // Independent: fresh, nothing runs
        #expect(r.executed.isEmpty)
        let s = try box.runner()
        try s.run(target: 2)  // Sum reads Shift, which changed
        #expect(s.executed == [1, 2])
        let fresh = try Sandbox().runner()
        try fresh.run(target: 2)  // never run: the cells before it run first
        #expect(fresh.executed == [0, 1, 2])
    }

    @Test("A second run while one holds the lock is refused with a clear message")
    func lock() throws {
        let box = try Sandbox()
        let r = try box.runner()
        let held = try NotebookLock(cache: r.cacheDirectory, notebook: "test", parameterSet: [])
        let e = #expect(throws: NotebookError.self) { try box.runner().run() }
        #expect(e?.description.contains("in progress") == true && e?.description.contains("\(getpid())") == true)
        // Another parameter set is not held up by it.
        try box.runner(["offset=3"]).run()
        held.release()
        // A clean waits for no one but is refused while a run holds the cache.
        let running = try NotebookLock(cache: r.cacheDirectory, notebook: "test", shared: true)
        let c = #expect(throws: NotebookError.self) { _ = try box.runner().clean() }
        #expect(c?.description.contains("in progress") == true)
        running.release()
    }

    @Test("Unknown cells and parameters, and malformed values, list what exists")
    func badInput() throws {
        let box = try Sandbox()
        #expect(throws: NotebookError.self) { try box.runner(["nope=1"]) }
        #expect(throws: NotebookError.self) { try box.runner(["scale"]) }
        let e = #expect(throws: NotebookError.self) { try box.runner(["scale=two"]) }
        #expect(e?.description.contains("whole number") == true)
        // Outside its range: refused before any cell runs.
        let r = #expect(throws: NotebookError.self) { try box.runner(["scale=0"]) }
        #expect(r?.description == "parameter 'scale' must be between 1 and 9, got 0")
        let c = #expect(throws: NotebookError.self) { try testNotebook.cell("Missing") }
        #expect(c?.description.contains("1 Make") == true)
        #expect(try testNotebook.cell("2") == 1 && testNotebook.cell("sum") == 2)
    }
}
