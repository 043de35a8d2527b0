import Foundation
import HDF5
import Notebook
import RunStore
import TestSupport
import Testing

@Suite("The cache keeps every parameter set's results", .serialized)
struct CacheTests {
    @Test("Parameter sets cached side by side: switching back runs nothing, and each set publishes its own outputs")
    func sideBySide() throws {
        let box = try Sandbox()
        let a = try box.runner()
        try a.run()
        #expect(a.executed == [0, 1, 2, 3])
        let b = try box.runner(["offset=5"])
        try b.run()
        #expect(b.executed == [1, 2])
        for overrides in [[], ["offset=5"], [], ["offset=5"]] {
            let r = try box.runner(overrides)
            #expect(box.stale(r).isEmpty)
            try r.run()
            #expect(r.executed.isEmpty)
        }
        #expect(try box.runner().entry(2)?.state.output == "sum 15.0\n")
        #expect(try box.runner(["offset=5"]).entry(2)?.state.output == "sum 27.0\n")
        // Cells that do not read offset share one entry.
        #expect(try box.runner().entry(0)?.directory == box.runner(["offset=5"]).entry(0)?.directory)
        #expect(try box.runner().cacheListing().map(\.entries.count) == [1, 2, 2, 1])
        #expect(b.outputDirectory == a.outputDirectory + "/sets/offset=5")
    }

    @Test("Training cells: a run of each configuration is kept, and switching back trains nothing")
    func trainingSideBySide() throws {
        let dir = Scratch.path("cache")
        func runner(_ o: [String]) throws -> NotebookRunner {
            let r = try NotebookRunner(trainingNotebook, overrides: o, outputs: dir)
            r.log = { _ in }
            return r
        }
        for (o, expected) in [([String](), [0, 1]), (["epochs=2"], [0, 1]), ([], []), (["epochs=2"], [])] {
            let r = try runner(o)
            try r.run()
            #expect(r.executed == expected, "\(o)")
        }
        let runs = try runner([]).cacheListing()[0].runFiles
        #expect(runs.count == 2 && runs.allSatisfy(\.finished))
        #expect(try RunFileSteps.count(runner(["epochs=2"]), cell: 0) == 2)
        #expect(try RunFileSteps.count(runner([]), cell: 0) == 4)
    }

    @Test("git keeps the defaults' entries only: not other sets', not run files")
    func gitKeepsDefaults() throws {
        let dir = Scratch.path("git")
        func runner(_ o: [String]) throws -> NotebookRunner {
            let r = try NotebookRunner(trainingNotebook, overrides: o, outputs: dir + "/outputs")
            r.log = { _ in }
            return r
        }
        try runner(["epochs=2"]).run()
        let defaults = try runner([])
        try defaults.run()
        try runner(["epochs=3"]).run()
        try shell("cd '\(dir)' && git init -q . && git add outputs")
        let tracked = try shell("cd '\(dir)' && git ls-files outputs/training/cache").split(separator: "\n").map { dir + "/" + $0 }
        let kept = try [0, 1].map { try #require(runner([]).entry($0)).directory }
        // A checkout with uncommitted changes (a developer's) adds the diff to each entry.
        let diff = Provenance.uncommittedDiff == nil ? [] : [kept[0] + "/uncommitted.diff", kept[1] + "/uncommitted.diff"]
        #expect(
            tracked.sorted()
                == ([
                    kept[0] + "/state.h5", kept[0] + "/traces/tiny.h5", kept[0] + "/SHA256SUMS",
                    kept[1] + "/state.h5", kept[1] + "/SHA256SUMS", dir + "/outputs/training/cache/.gitignore",
                ] + diff).sorted())
    }

    @Test("A cache a sweep point made alone keeps nothing in git: no run files, no locks, no entries")
    func gitKeepsNothingBeforeDefaults() throws {
        let dir = Scratch.path("git")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let point = try NotebookRunner(trainingNotebook, overrides: ["epochs=2"], outputs: dir + "/outputs")
        point.log = { _ in }
        try point.run()
        #expect(point.cacheListing()[0].runFiles.count == 1)
        try shell("cd '\(dir)' && git init -q . && git add outputs")
        let tracked = try shell("cd '\(dir)' && git ls-files outputs/training/cache").split(separator: "\n")
        #expect(tracked == ["outputs/training/cache/.gitignore"])
    }

    @Test("clean --keep-defaults keeps the defaults' results; --unused-since keeps what was used since")
    func clean() throws {
        let box = try Sandbox()
        try box.runner().run()
        try box.runner(["offset=5"]).run()
        try box.runner(["scale=3"]).run()
        let s = try box.runner(["scale=3"]).clean(keepDefaults: true)
        #expect(s.entries == 5)  // offset=5: Shift and Sum; scale=3: Make, Shift, Sum
        #expect(try box.runner().cacheListing().map(\.entries.count) == [1, 1, 1, 1])
        let after = try box.runner()
        try after.run()
        #expect(after.executed.isEmpty)
        try box.runner(["offset=5"]).run()
        #expect(try box.runner().clean(unusedSince: Date().addingTimeInterval(3600)).entries == 6)
        #expect(try box.runner().clean(unusedSince: Date().addingTimeInterval(-3600)).entries == 0)
        let again = try box.runner()
        try again.run()
        #expect(again.executed == [0, 1, 2, 3])
    }

    @Test("A cell reading a sweep: each point is cached once, its keys enter the reader's key")
    func readingASweep() throws {
        let dir = Scratch.path("sweep-read")
        func runner(_ o: [String]) throws -> NotebookRunner {
            let r = try NotebookRunner(sweepNotebook, overrides: o, outputs: dir)
            r.log = { _ in }
            return r
        }
        let first = try runner([])
        try first.run()
        #expect(first.executed == [0, 1])
        #expect(first.entry(1)?.state.output == "seeds [0, 1, 2] values [0.0, 10.0, 20.0]\n")
        #expect(first.cacheListing()[0].entries.count == 3)
        let fewer = try runner(["count=2"])
        #expect(fewer.status(1).reasons == ["parameter count changed (3 → 2)"])
        try fewer.run()
        #expect(fewer.executed == [1] && fewer.cacheListing()[0].entries.count == 3)
        #expect(fewer.entry(1)?.state.output == "seeds [0, 1] values [0.0, 10.0]\n")
        // A parameter the points share changes every point, and so the reader.
        let scaled = try runner(["scale=2"])
        #expect(scaled.status(1).reasons.contains("cell 1 at seed=0 is stale"))
        try scaled.run()
        #expect(scaled.entry(1)?.state.output == "seeds [0, 1, 2] values [0.0, 2.0, 4.0]\n")
        let back = try runner([])
        try back.run()
        #expect(back.executed.isEmpty)
    }
}

enum RunFileSteps {
    static func count(_ r: NotebookRunner, cell: Int) throws -> Int {
        let e = try #require(r.entry(cell))
        return try RunFile.read(path: try #require(r.availableRun(cell, e.state.runs[0], entry: e))).trace.count
    }
}

/// Runs a shell command; its standard output, or an error with its status and output.
@discardableResult
func shell(_ command: String) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/bash")
    p.arguments = ["-c", command]
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    guard p.terminationStatus == 0 else { throw ShellError(description: "`\(command)` exited \(p.terminationStatus): \(text)") }
    return text
}

struct ShellError: Error, CustomStringConvertible { let description: String }

@Suite("Entries carry their files' digests")
struct EntryDigestTests {
    @Test("A byte changed in a state file's data, a figure edited, a file added: the entry is not trusted and the cell runs again")
    func tampered() throws {
        let box = try Sandbox()
        try box.runner().run()
        let make = try #require(try box.runner().entry(0))
        #expect(FileManager.default.fileExists(atPath: make.directory + "/SHA256SUMS"))
        // The tensor x = [2, 4, 6] as float64: flip a byte of the value 4.0 (0x4010000000000000).
        var bytes = try Data(contentsOf: URL(fileURLWithPath: make.statePath))
        let four = Data([0, 0, 0, 0, 0, 0, 0x10, 0x40])
        let at = try #require(bytes.range(of: four)).lowerBound
        bytes[at + 6] = 0x14
        try bytes.write(to: URL(fileURLWithPath: make.statePath))
        let r = try box.runner()
        #expect(r.status(0).reasons.first?.contains("state.h5 changed after it was written") == true, "\(r.status(0).reasons)")
        try r.run()
        #expect(r.executed == [0])  // the same key again: its readers' entries still hold
        #expect(try box.runner().entry(2)?.state.output == "sum 15.0\n")
        // A file dropped into an entry is not taken for part of it.
        let sum = try #require(try box.runner().entry(2))
        try Data("x".utf8).write(to: URL(fileURLWithPath: sum.directory + "/figures/extra.svg"))
        #expect(try box.runner().status(2).reasons.first?.contains("figures/extra.svg is not in SHA256SUMS") == true)
    }
}
