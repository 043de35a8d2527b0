import Datasets
import Foundation
import HDF5
import Notebook
import TestSupport
import Testing

@Suite("The command lines a sweep builds go through amsga's own parser")
struct CommandLineRoundTripTests {
    @Test("A point's amsga run: the notebook, -p, --threads, --outputs, --cell and --data each reach the run")
    func runArguments() throws {
        guard amsgaExecutable() != nil, let fashion = try? DataLocator().folder(for: .fashionMNIST) else {
            print("skipping: no amsga executable or no Fashion-MNIST")
            return
        }
        let dir = Scratch.path("args")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/data", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir + "/data/fashion-mnist", withDestinationPath: fashion)
        let args = RunArguments(
            notebook: "quickstart", overrides: ["evalSize=50", "seed=1", "trainSize=50"], threads: 1,
            outputs: dir + "/out", cell: "Data", dataDirectory: dir + "/data")
        let r = try runAmsga(args.arguments)
        #expect(r.status == 0, "\(r.output)")
        let cache = dir + "/out/quickstart/cache"
        let entries = try FileManager.default.contentsOfDirectory(atPath: cache + "/01-data").filter { !$0.hasPrefix(".") }
        #expect(entries.count == 1, "\(entries)")
        #expect(!FileManager.default.fileExists(atPath: cache + "/02-train-baseline"), "--cell Data ran only the data cell")
        let f = try HDF5File.open(cache + "/01-data/" + entries[0] + "/state.h5")
        defer { try? f.close() }
        let parameters = try f.root.attribute("parameters").string ?? ""
        #expect(
            parameters.contains("\"seed\":1") && parameters.contains("\"trainSize\":50") && parameters.contains("\"evalSize\":50"),
            "\(parameters)")
        #expect(try f.root.attribute("threads").int == 1)
        #expect(try f.root.attribute("data_sources").string?.contains("\"folder\":\"\(dir)/data/fashion-mnist\"") == true)
    }

    @Test("A cluster's gather amsga sweep parses: its grid, --jobs, --threads, --outputs, --cell and --data")
    func sweepArguments() throws {
        guard amsgaExecutable() != nil else {
            print("skipping: no amsga executable")
            return
        }
        let dir = Scratch.path("args")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let args = SweepArguments(
            notebook: "quickstart", grid: ["seed=0,1"], jobs: 1, threads: 1, outputs: dir, cell: "Data",
            dataDirectory: dir + "/data")
        let r = try runAmsga(args.arguments + ["--dry-run"])
        #expect(r.status == 0, "\(r.output)")
        #expect(r.output.contains("2 points") && r.output.contains("seed=0") && r.output.contains("seed=1"), "\(r.output)")
    }
}
