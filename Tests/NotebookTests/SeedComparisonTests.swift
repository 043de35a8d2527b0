import Foundation
import Notebook
import Studies
import TestSupport
import Testing

@Suite("Comparisons over seeds")
struct SeedComparisonTests {
    @Test("The paired 95% interval is mean ± t(0.975, n−1)·sd/√n")
    func interval() throws {
        let i = try #require(SeedComparison.interval([1, 2, 3]))
        // sd = 1, t(0.975, 2) = 4.303
        #expect(abs(i.lower - (2 - 4.303 / 3.0.squareRoot())) < 1e-9)
        #expect(abs(i.upper - (2 + 4.303 / 3.0.squareRoot())) < 1e-9)
        #expect(SeedComparison.interval([0.5]) == nil)
        #expect(SeedComparison.tQuantile975(degreesOfFreedom: 1) == 12.706)
        // Beyond the table: scipy's 2.0423 at 30, 1.9840 at 100.
        #expect(abs(SeedComparison.tQuantile975(degreesOfFreedom: 30) - 2.0423) < 0.006)
        #expect(abs(SeedComparison.tQuantile975(degreesOfFreedom: 100) - 1.9840) < 0.006)
    }

    @Test("A comparison over seeds tables both methods and their paired difference; each seed's traces are published apart")
    func comparisonCell() throws {
        let dir = Scratch.path("seeded")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try NotebookRunner(seededNotebook, outputs: dir, threads: 1)
        var lines: [String] = []
        r.log = { lines.append($0) }
        try r.run()
        let output = try #require(r.entry(2)?.state.output)
        #expect(output.contains("| plain | 2 |") && output.contains("| slow | 2 |"), "\(output)")
        #expect(
            output.contains("| slow − plain |") && output.contains("paired by seed") && output.contains("over n = 2 seeds"), "\(output)")
        let traces = try FileManager.default.contentsOfDirectory(atPath: dir + "/seeded/traces").sorted()
        #expect(traces == ["plain-s1.h5", "plain.h5", "slow-s1.h5", "slow.h5"])
        let one = try NotebookRunner(seededNotebook, overrides: ["seeds=1"], outputs: dir, threads: 1)
        one.log = { _ in }
        try one.run()
        #expect(one.entry(2)?.state.output.contains("One seed: the difference is a single draw") == true)
    }

    @Test("No parameter name is special: without a declared replicate axis, a point's runs are named by the whole point")
    func undeclaredReplicate() throws {
        let dir = Scratch.path("undeclared")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try NotebookRunner(undeclaredSeedNotebook, outputs: dir, threads: 1)
        r.log = { _ in }
        try r.run()
        let traces = try FileManager.default.contentsOfDirectory(atPath: dir + "/undeclared-seed/traces").sorted()
        #expect(traces.contains("plain_seed=1.h5") && !traces.contains("plain-s1.h5"), "\(traces)")
    }
}
