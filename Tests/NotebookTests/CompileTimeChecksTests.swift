import Foundation
import Notebook
import TestSupport
import Testing

/// Compiles small notebooks against the built `Notebook` module, as the
/// package build compiles `notebooks/`: a misspelt parameter and a cell read
/// before it is declared must be errors that name the line.
@Suite("Typed notebooks: the compiler checks parameters and cell references")
struct CompileTimeChecksTests {
    static let notebook = """
        import Notebook

        struct Demo: NotebookParameters {
            @Param(.atLeast(0)) var seed = 0
        }

        let demo = Notebook("demo") { (nb: Cells<Demo>) in
            let first = nb.cell("First") { ctx, p in
                ctx.save(x, [Double(p.seed)])
            }
            let second = nb.cell("Second") { ctx, _ in
                _ = try ctx.load(x, from: first)
            }
            nb.cell("Third") { ctx, _ in _ = try ctx.load(x, from: second) }
        }

        let x = TensorName("x")

        """

    /// Compiles `source` to SIL (where Swift checks captures) and returns the exit status and the diagnostics.
    func compile(_ source: String) throws -> (status: Int32, output: String, file: String) {
        let dir = try Scratch.folder("compile")
        let file = dir + "/Demo.swift"
        try source.write(toFile: file, atomically: true, encoding: .utf8)
        let build = (SourceTree.executable as NSString).deletingLastPathComponent
        let root = try #require(SourceTree.root)
        var args = ["swiftc", "-emit-sil", "-o", "/dev/null", "-I", build + "/Modules", "-Xcc", "-I/usr/include/hdf5/serial"]
        for m in ["CBLAS", "CHDF5", "CMalloc", "CZlib"] { args += ["-Xcc", "-fmodule-map-file=\(root)/Sources/\(m)/module.modulemap"] }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args + [file]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus, text, file)
    }

    @Test("The notebook as written compiles")
    func compiles() throws {
        let r = try compile(Self.notebook)
        #expect(r.status == 0, "\(r.output)")
    }

    @Test("A misspelt parameter is an error at its line")
    func misspeltParameter() throws {
        let r = try compile(Self.notebook.replacingOccurrences(of: "Double(p.seed)", with: "Double(p.sede)"))
        #expect(r.status != 0)
        #expect(r.output.contains("\(r.file):9:31: error: value of type 'Demo' has no member 'sede'"), "\(r.output)")
    }

    @Test("A cell that reads one declared below it is an error at the reading cell's line")
    func forwardReference() throws {
        let r = try compile(
            Self.notebook.replacingOccurrences(of: "from: first)", with: "from: third)")
                .replacingOccurrences(
                    of: "    nb.cell(\"Third\") { ctx, _ in _ = try ctx.load(x, from: second) }",
                    with: "    let third = nb.cell(\"Third\") { ctx, _ in _ = try ctx.load(x, from: first) }"))
        #expect(r.status != 0)
        #expect(r.output.contains("\(r.file):11:36: error: closure captures 'third' before it is declared"), "\(r.output)")
    }

    @Test("A cell that does not exist is an error at its line")
    func missingCell() throws {
        let r = try compile(Self.notebook.replacingOccurrences(of: "from: second)", with: "from: secnod)"))
        #expect(r.status != 0)
        #expect(r.output.contains("\(r.file):14:60: error: cannot find 'secnod' in scope"), "\(r.output)")
    }

    @Test("The README's example notebook compiles")
    func readmeExample() throws {
        let root = try #require(SourceTree.root)
        let readme = try String(contentsOfFile: root + "/README.md", encoding: .utf8)
        let start = try #require(readme.range(of: "```swift\n"))
        let end = try #require(readme.range(of: "```", range: start.upperBound..<readme.endIndex))
        let r = try compile("import ForwardForward\nimport Notebook\nimport Studies\n\n" + readme[start.upperBound..<end.lowerBound])
        #expect(r.status == 0, "\(r.output)")
    }
}
