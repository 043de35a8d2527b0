import Foundation
import RunStore
import TestSupport
import Testing

/// `RunCarrier` (`amsga carry`): an unfinished run file goes to carried/ and
/// back byte for byte; a finished one is not carried, and its copy is dropped.
@Suite("Carrying unfinished runs through git")
struct CarryRunsTests {
    let runs = "outputs/nb/cache/02-train/runs"

    @Test("save copies the unfinished run, restore puts it back, a finished run's copy is removed")
    func saveAndRestore() throws {
        let root = try Scratch.folder("carry")
        let carrier = RunCarrier(root: root)
        try FileManager.default.createDirectory(atPath: root + "/" + runs, withIntermediateDirectories: true)
        let t = try tinyTrainer("baseline-mnist", epochs: 2)
        try t.train()
        let unfinished = runs + "/baseline-0123456789abcdef.run.h5"
        let finished = runs + "/baseline-fedcba9876543210.run.h5"
        let step = t.checkpoint().stepsDone
        try RunFile.write(path: root + "/" + unfinished, config: t.config, trace: t.trace, checkpoint: t.checkpoint())
        let final = t.evaluate()
        try RunFile.write(path: root + "/" + finished, config: t.config, trace: t.trace, checkpoint: t.checkpoint(), final: final)

        #expect(try carrier.save() == [.saved(unfinished, checkpoint: step)])
        #expect(!FileManager.default.fileExists(atPath: root + "/carried/" + finished))

        let original = try Data(contentsOf: URL(fileURLWithPath: root + "/" + unfinished))
        try FileManager.default.removeItem(atPath: root + "/" + unfinished)
        #expect(try carrier.restore() == [.restored(unfinished, checkpoint: step)])
        #expect(try Data(contentsOf: URL(fileURLWithPath: root + "/" + unfinished)) == original)
        #expect(try carrier.restore() == [.kept(unfinished)])

        // The run finishes: the next save drops its carried copy.
        try RunFile.write(path: root + "/" + unfinished, config: t.config, trace: t.trace, checkpoint: t.checkpoint(), final: final)
        #expect(try carrier.save() == [.removed("carried/" + unfinished)])
        #expect(!FileManager.default.fileExists(atPath: root + "/carried/" + unfinished))
        #expect(try carrier.restore() == [])
    }

    @Test("a file cut off mid-write is neither carried nor restored over a run file")
    func incompleteFiles() throws {
        let root = try Scratch.folder("carry-cut")
        let carrier = RunCarrier(root: root)
        for folder in [runs, "carried/" + runs] {
            try FileManager.default.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
        }
        let path = runs + "/amsga-0123456789abcdef.run.h5"
        try Data("not HDF5".utf8).write(to: URL(fileURLWithPath: root + "/" + path))
        #expect(try carrier.save() == [])
        try Data("cut off".utf8).write(to: URL(fileURLWithPath: root + "/carried/" + path))
        #expect(try carrier.restore() == [.notARunFile("carried/" + path)])
        #expect(try String(contentsOfFile: root + "/" + path, encoding: .utf8) == "not HDF5")
    }
}
