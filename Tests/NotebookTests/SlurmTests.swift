import Foundation
import TestSupport
import Testing

/// Runs where a Slurm cluster is up and says so: `.ci/run` starts one
/// (`scripts/slurm-single-node start`) and sets AMSGA_SLURM_TESTS=1.
@Suite("Sweeps on Slurm", .enabled(if: ProcessInfo.processInfo.environment["AMSGA_SLURM_TESTS"] == "1"))
struct SlurmTests {
    @Test("A 2 × 2 sweep as a job array and a gather job gives the same bits as the same sweep run here")
    func jobArray() throws {
        let cluster = Scratch.path("slurm")
        let local = Scratch.path("local")
        let grid = ["sweep", "quickstart", "-p", "seed=0,1", "-p", "epochs=2,4"] + tinyQuickstart
        let submitted = try AmsgaBinary.run(grid + ["--slurm", "--submit", "--cpus-per-task", "1", "--outputs", cluster])
        #expect(submitted.status == 0, "\(submitted.output)")
        let ids =
            submitted.output.split(separator: "\n").first { $0.hasPrefix("submitted: ") }?
            .split(whereSeparator: { !$0.isNumber }).map(String.init) ?? []
        try #require(ids.count == 2, "no job ids in: \(submitted.output)")
        let deadline = Date().addingTimeInterval(600)
        while Date() < deadline, !(try shell("squeue -h -j \(ids.joined(separator: ","))").isEmpty) { Thread.sleep(forTimeInterval: 1) }
        let sweepDir = try #require(try FileManager.default.contentsOfDirectory(atPath: cluster + "/quickstart/sweeps").first)
        let folder = cluster + "/quickstart/sweeps/" + sweepDir
        let logs = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix("slurm-") }.sorted()
        #expect(logs.count == 5, "\(logs)")  // four array tasks and the gather job
        let gather = try String(contentsOfFile: folder + "/slurm-gather-\(ids[1]).log", encoding: .utf8)
        #expect(gather.contains("4 points, 4 cached, 0 to run"), "\(gather)")

        let here = try AmsgaBinary.run(grid + ["--jobs", "1", "--threads", "1", "--outputs", local])
        #expect(here.status == 0, "\(here.output)")
        expectIdentical(try runFiles(cluster), try runFiles(local), count: 8)
        // On the login node every point is cached.
        let point = try AmsgaBinary.run(
            ["run", "quickstart", "-p", "seed=1", "-p", "epochs=4"] + tinyQuickstart
                + ["--threads", "1", "--outputs", cluster])
        #expect(point.output.contains("0 of 5 cells ran"), "\(point.output)")
    }
}
