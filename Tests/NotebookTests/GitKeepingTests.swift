import Foundation
import Notebook
import TestSupport
import Testing

/// A defaults run rewrites `cache/.gitignore`; a finished run that git kept
/// and that no entry it keeps now holds is named, since a clone would train
/// it again (how Table II's baseline seed 2 once left git unnoticed).
@Suite("The cache's .gitignore names finished runs that leave git")
struct GitKeepingTests {
    @Test("a dropped entry's run is named unless a kept entry has the same run")
    func runsLeavingGit() throws {
        let dir = Scratch.path("git-keeping")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var notes: [String] = []
        func runner(_ overrides: [String]) throws -> NotebookRunner {
            let r = try NotebookRunner(trainingNotebook, overrides: overrides, outputs: dir)
            r.log = { if $0.hasPrefix("note: ") { notes.append($0) } }
            return r
        }
        try runner(["epochs=2"]).run()
        let ahead = try #require(runner(["epochs=2"]).entry(0)).directory
        try runner([]).run()
        #expect(notes.isEmpty)
        let cache = try runner([]).cacheDirectory
        let training = try #require(runner([]).entry(0)).directory
        let rekeyed = (training as NSString).deletingLastPathComponent + "/0123456789abcdef"
        try FileManager.default.copyItem(atPath: training, toPath: rekeyed)

        // As if an earlier defaults run had kept both (the epochs=2 run
        // committed ahead of the default, the same run under another key).
        let gitignore = cache + "/.gitignore"
        let extra = [ahead, rekeyed].map { "!/" + $0.dropFirst(cache.count + 1) + "/" }
        let text = try String(contentsOfFile: gitignore, encoding: .utf8)
        try (text + extra.joined(separator: "\n") + "\n").write(toFile: gitignore, atomically: true, encoding: .utf8)

        try runner([]).run()
        let relative = ahead.dropFirst(cache.count + 1)
        #expect(notes.count == 1)
        #expect(notes.first?.hasPrefix("note: git no longer keeps \(relative)/traces/tiny.h5") == true, "\(notes)")
        #expect(try String(contentsOfFile: gitignore, encoding: .utf8) == text)
        notes = []
        try runner([]).run()
        #expect(notes.isEmpty)
    }
}
