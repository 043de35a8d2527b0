import Datasets
import Foundation
import HDF5
import Notebook
import RunStore
import TestSupport
import Testing

@Suite("Older cache formats are migrated once")
struct MigrationTests {
    /// Rewrites an entry as cell-state format 1 wrote it: no run_parameters,
    /// threads or git_commit, one library digest, no trace digest.
    func downgrade(_ entry: CacheEntry) throws {
        let f = try HDF5File.open(entry.statePath, writable: true)
        for a in ["run_parameters", "threads", "git_commit"] { try f.root.deleteAttribute(a) }
        try f.root.setAttribute("library", .string(String(repeating: "ab", count: 32)))
        try f.root.setAttribute("format_version", .int(1))
        try f.close()
        let t = try HDF5File.open(entry.tracePath("tiny"), writable: true)
        let traces = try t.root.group("traces")
        try traces.group(try #require(try traces.children().first)).deleteAttribute("sha256")
        try t.close()
        var sums = ""
        let files = (FileManager.default.enumerator(atPath: entry.directory)?.allObjects as? [String] ?? []).filter { name in
            var isFolder: ObjCBool = false
            return name != "SHA256SUMS" && FileManager.default.fileExists(atPath: entry.directory + "/" + name, isDirectory: &isFolder)
                && !isFolder.boolValue
        }.sorted()
        for name in files {
            let data = try Data(contentsOf: URL(fileURLWithPath: entry.directory + "/" + name))
            sums += "\(Verification.sha256Hex(data))  \(name)\n"
        }
        try sums.write(toFile: entry.directory + "/SHA256SUMS", atomically: true, encoding: .utf8)
    }

    /// The training notebook run once in `dir`, and its training cell's entry.
    func trained(in dir: String) throws -> (NotebookRunner, CacheEntry) {
        let runner = try NotebookRunner(trainingNotebook, outputs: dir)
        runner.log = { _ in }
        try runner.run()
        return (runner, try #require(runner.entry(0)))
    }

    @Test(
        "A format-1 entry is unreadable with a note naming the migration; after `cache migrate` it is fresh, keeps its key and its run's hash"
    )
    func formatOneEntry() throws {
        let dir = Scratch.path("migrate")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (first, entry) = try trained(in: dir)
        try FileManager.default.removeItem(atPath: try #require(first.availableRun(0, "tiny", entry: entry)))
        try downgrade(entry)

        let old = try NotebookRunner(trainingNotebook, outputs: dir)
        #expect(
            old.status(0).reasons == [
                "state unreadable: cell-state format 1, this amsga reads 2 (`amsga cache migrate` rewrites older ones)"
            ])
        #expect(throws: RunFileError.self) { try RunFile.read(path: entry.tracePath("tiny")) }

        let report = CacheMigration.migrate(notebookDirectory: dir + "/training")
        #expect(report.entries == 1 && report.problems.isEmpty, "\(report.problems)")
        let now = try NotebookRunner(trainingNotebook, outputs: dir)
        #expect(now.status(0).fresh && now.status(1).fresh)
        #expect(now.status(0).notes == ["library changed since it ran (recorded before per-module digests)"])
        let migrated = try #require(now.entry(0))
        #expect(migrated.state.key == entry.state.key && migrated.state.runParameters == entry.state.runParameters)
        #expect(migrated.state.threads == entry.state.threads && migrated.state.gitCommit == "")
        #expect(try RunFile.read(path: migrated.tracePath("tiny")).trace.count == 4)
        // A second migration has nothing to do.
        #expect(CacheMigration.migrate(notebookDirectory: dir + "/training").entries == 0)
    }

    @Test("An entry whose files fail their digests is left as it is and named")
    func corruptEntryIsNotMigrated() throws {
        let dir = Scratch.path("migrate")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (_, entry) = try trained(in: dir)
        try downgrade(entry)
        try "0000  state.h5\n".write(toFile: entry.directory + "/SHA256SUMS", atomically: true, encoding: .utf8)
        let report = CacheMigration.migrate(notebookDirectory: dir + "/training")
        #expect(report.entries == 0 && report.problems.count == 1)
        #expect(report.problems.first?.contains("state.h5 changed after it was written") == true, "\(report.problems)")
    }
}
