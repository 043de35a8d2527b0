import Foundation
import TestSupport
import Testing

/// A copy of the package's sources (what `git ls-files` lists, modification
/// times kept) in a new folder, with a copy of the built `amsga` in its
/// `.build/release/`, newer than every source: a checkout moved elsewhere.
func movedCheckout(withBuildFolder: Bool = false) throws -> (root: String, amsga: String) {
    let root = Scratch.path("moved")
    let here = FileManager.default.currentDirectoryPath
    let copy = Process()
    copy.executableURL = URL(fileURLWithPath: "/bin/sh")
    let files = "git ls-files -z | xargs -0 cp -p --parents -t '\(root)'"
    let executable = try #require(amsgaExecutable())
    copy.arguments = [
        "-c",
        withBuildFolder
            ? "mkdir -p '\(root)' && \(files) && cp -a .build '\(root)/.build'"
            : "mkdir -p '\(root)/.build/release' && \(files) && cp '\(executable)' '\(root)/.build/release/amsga'",
    ]
    copy.currentDirectoryURL = URL(fileURLWithPath: here)
    try copy.run()
    copy.waitUntilExit()
    try #require(copy.terminationStatus == 0, "copying the checkout to \(root) failed")
    return (root, root + "/.build/release/amsga")
}

@Suite("The edit-run loop: a moved checkout, new notebooks, rebuilds", .serialized)
struct EditRunTests {
    @Test("a checkout moved to another folder finds and runs its own notebooks")
    func movedCheckoutRuns() throws {
        guard amsgaExecutable() != nil, FileManager.default.fileExists(atPath: ".git") else { return }
        let (root, amsga) = try movedCheckout()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let ls = try runAmsga(["ls"], executable: amsga, in: Scratch.root)
        #expect(ls.status == 0)
        #expect(ls.output.contains("quickstart  (\(root)/notebooks/Quickstart.swift)"), "\(ls.output)")
        let run = try runAmsga(
            ["run", "quickstart", "-p", "epochs=2", "-p", "trainSize=50", "-p", "evalSize=50", "--outputs", root + "/out"],
            executable: amsga, in: root)
        #expect(run.status == 0, "\(run.output)")
        #expect(!run.output.contains("rebuilding"), "\(run.output)")
        #expect(run.output.contains("5 of 5 cells ran"), "\(run.output)")
        // What is read is the moved copy: its edited cell reads as changed (read-only commands go on, with a note).
        let file = root + "/notebooks/Quickstart.swift"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try text.replacingOccurrences(
            of: "ctx.print(\"\\(TraceFigures.all(runs).count) figures\")",
            with: "ctx.print(\"\\(TraceFigures.all(runs).count) figures drawn\")"
        )
        .write(toFile: file, atomically: true, encoding: .utf8)
        let status = try runAmsga(
            ["status", "quickstart", "-p", "epochs=2", "-p", "trainSize=50", "-p", "evalSize=50", "--outputs", root + "/out"],
            executable: amsga, in: root)
        #expect(status.status == 0)
        #expect(status.output.contains("[4] Results: fresh"), "\(status.output)")
        #expect(status.output.contains("[5] Figures: stale: source changed"), "\(status.output)")
        #expect(status.output.contains("changed after amsga was built"), "\(status.output)")
        // A sweep's points and Slurm tasks (AMSGA_NO_REBUILD) never build: they refuse the edited notebook instead.
        let point = try runAmsga(
            ["run", "quickstart", "-p", "epochs=2", "-p", "trainSize=50", "-p", "evalSize=50", "--outputs", root + "/out"],
            executable: amsga, in: root, environment: ["AMSGA_NO_REBUILD": "1"])
        #expect(point.status == 1 && point.output.contains("Quickstart.swift changed after this amsga was built"), "\(point.output)")
        #expect(!point.output.contains("rebuilding"))
    }

    @Test("the notebook registry lists every top-level `public let NAME = Notebook(`, by file name")
    func registryGenerator() throws {
        guard let amsga = amsgaExecutable() else { return }
        let generator = (amsga as NSString).deletingLastPathComponent + "/NotebookRegistryGenerator"
        let dir = try Scratch.folder("registry")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "public let zeta = Notebook(\"zeta\") {\n}\nlet hidden = 1\n".write(
            toFile: dir + "/Zeta.swift", atomically: true, encoding: .utf8)
        try
            "public let alpha: Notebook = Notebook(\"a\") {}\n    public let nested = Notebook(\"n\")\npublic let beta = Notebook(\"b\") {}\n"
            .write(toFile: dir + "/Alpha.swift", atomically: true, encoding: .utf8)
        try "func helper() {}\n".write(toFile: dir + "/Helpers.swift", atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: generator)
        p.arguments = [dir + "/Registry.swift", dir + "/Zeta.swift", dir + "/Alpha.swift", dir + "/Helpers.swift"]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let out = try String(contentsOfFile: dir + "/Registry.swift", encoding: .utf8)
        #expect(out.contains("public let allNotebooks: [Notebook] = [alpha, beta, zeta]"), "\(out)")
    }

    /// A real rebuild (a few minutes: a moved build folder starts over), so it
    /// runs where `AMSGA_REBUILD_TESTS=1` (CI sets it).
    @Test("amsga new, then an edited cell, runs without a manual build; the new notebook is listed; status is fresh")
    func editAndRun() throws {
        guard ProcessInfo.processInfo.environment["AMSGA_REBUILD_TESTS"] == "1", amsgaExecutable() != nil else { return }
        let (root, amsga) = try movedCheckout(withBuildFolder: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let new = try runAmsga(["new", "probe-notes"], executable: amsga, in: root)
        #expect(new.status == 0, "\(new.output)")
        let file = root + "/notebooks/ProbeNotes.swift"
        let small = ["-p", "epochs=3", "-p", "trainSize=100"]

        // While another SwiftPM process works in the checkout (as `swift test`
        // does while its tests run amsga), a build would wait for it: amsga
        // runs as built, and refuses the notebook it does not have yet.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/bin/sleep")
        holder.arguments = ["60"]
        holder.currentDirectoryURL = URL(fileURLWithPath: root)
        try holder.run()
        let lock = root + "/.build/.lock"
        let lockText = try? String(contentsOfFile: lock, encoding: .utf8)
        try String(holder.processIdentifier).write(toFile: lock, atomically: true, encoding: .utf8)
        let held = try runAmsga(["run", "probe-notes"] + small, limit: 120, executable: amsga, in: root)
        holder.terminate()
        try (lockText ?? "").write(toFile: lock, atomically: true, encoding: .utf8)
        #expect(!held.hung && held.status != 0, "\(held.output)")
        #expect(held.output.contains("is using \(root)/.build; running amsga as built"), "\(held.output)")

        let first = try runAmsga(["run", "probe-notes"] + small, limit: 1200, executable: amsga, in: root)
        #expect(first.status == 0, "\(first.output)")
        #expect(first.output.contains("notebooks/ProbeNotes.swift changed since amsga was built; rebuilding"), "\(first.output)")
        #expect(first.output.contains("3 of 3 cells ran"), "\(first.output)")
        let ls = try runAmsga(["ls"], executable: amsga, in: root)
        #expect(ls.output.contains("probe-notes  (\(file))"), "\(ls.output)")

        // Edit one cell: only it and the cell after it run again.
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try text.replacingOccurrences(of: "\"test accuracy: %.2f%%\"", with: "\"test accuracy (edited): %.2f%%\"")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let second = try runAmsga(["run", "probe-notes"] + small, limit: 1200, executable: amsga, in: root)
        #expect(second.status == 0, "\(second.output)")
        #expect(second.output.contains("rebuilding"), "\(second.output)")
        #expect(second.output.contains("test accuracy (edited):"), "\(second.output)")
        #expect(second.output.contains("2 of 3 cells ran"), "\(second.output)")
        let status = try runAmsga(["status", "probe-notes"] + small, executable: amsga, in: root)
        #expect(status.output.components(separatedBy: ": fresh").count == 4, "\(status.output)")

        // A comment the compiler finds empty leaves the binary unlinked: one
        // rebuild, then the binary counts as current.
        let edited = try String(contentsOfFile: file, encoding: .utf8)
        try (edited + "\n// a note, no code\n").write(toFile: file, atomically: true, encoding: .utf8)
        let third = try runAmsga(["run", "probe-notes"] + small, limit: 1200, executable: amsga, in: root)
        #expect(third.status == 0 && third.output.contains("rebuilding"), "\(third.output)")
        let fourth = try runAmsga(["run", "probe-notes"] + small, limit: 1200, executable: amsga, in: root)
        #expect(fourth.status == 0 && !fourth.output.contains("rebuilding"), "\(fourth.output)")

        // A build error is shown and stops the run.
        try (text + "\nlet broken: Int = \"text\"\n").write(toFile: file, atomically: true, encoding: .utf8)
        let broken = try runAmsga(["run", "probe-notes"] + small, limit: 1200, executable: amsga, in: root)
        #expect(broken.status == 1)
        #expect(broken.output.contains("error:") && broken.output.contains("the build failed"), "\(broken.output)")
        #expect(!broken.output.contains("cells ran"), "\(broken.output)")
    }
}
