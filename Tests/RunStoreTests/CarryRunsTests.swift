import Foundation
import RunStore
import TestSupport
import Testing

/// `scripts/carry-runs.py` (skipped without /usr/bin/python3 and h5py): an
/// unfinished run file goes to carried/ and back; a finished one does not.
@Suite("Carrying unfinished runs through git")
struct CarryRunsTests {
    func carry(_ command: String, in root: String) throws -> String {
        let r = try Subprocess.run(["/usr/bin/python3", root + "/scripts/carry-runs.py", command])
        #expect(r.status == 0, "\(r.output)")
        return r.output
    }

    @Test("save copies the unfinished run, restore puts it back, a finished run's copy is removed")
    func saveAndRestore() throws {
        guard (try? Subprocess.run(["/usr/bin/python3", "-c", "import h5py"]).status) == 0 else {
            print("skipping: h5py not importable by /usr/bin/python3")
            return
        }
        let root = try Scratch.folder("carry")
        try FileManager.default.createDirectory(atPath: root + "/scripts", withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: FileManager.default.currentDirectoryPath + "/scripts/carry-runs.py", toPath: root + "/scripts/carry-runs.py")
        let runs = "outputs/nb/cache/02-train/runs"
        try FileManager.default.createDirectory(atPath: root + "/" + runs, withIntermediateDirectories: true)
        let t = try tinyTrainer("baseline-mnist", epochs: 2)
        try t.train()
        let unfinished = runs + "/baseline-0123456789abcdef.run.h5"
        let finished = runs + "/baseline-fedcba9876543210.run.h5"
        try RunFile.write(path: root + "/" + unfinished, config: t.config, trace: t.trace, checkpoint: t.checkpoint())
        let final = t.evaluate()
        try RunFile.write(path: root + "/" + finished, config: t.config, trace: t.trace, checkpoint: t.checkpoint(), final: final)

        #expect(try carry("save", in: root).contains("saved \(unfinished) (checkpoint at step \(t.checkpoint().stepsDone))"))
        #expect(FileManager.default.fileExists(atPath: root + "/carried/" + unfinished))
        #expect(!FileManager.default.fileExists(atPath: root + "/carried/" + finished))

        let original = try Data(contentsOf: URL(fileURLWithPath: root + "/" + unfinished))
        try FileManager.default.removeItem(atPath: root + "/" + unfinished)
        #expect(try carry("restore", in: root).contains("restored \(unfinished)"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: root + "/" + unfinished)) == original)
        #expect(try carry("restore", in: root).contains("kept \(unfinished)"))

        // The run finishes: the next save drops its carried copy.
        try RunFile.write(path: root + "/" + unfinished, config: t.config, trace: t.trace, checkpoint: t.checkpoint(), final: final)
        #expect(try carry("save", in: root).contains("removed carried/\(unfinished)"))
        #expect(!FileManager.default.fileExists(atPath: root + "/carried/" + unfinished))
    }
}
