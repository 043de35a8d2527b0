import ArgumentParser
import Datasets
import Foundation

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data", abstract: "Find, verify and download the datasets.",
        subcommands: [Verify.self, FetchCommand.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every dataset found against the SHA-256 of its uncompressed files.")
        @OptionGroup var data: DataOptions

        func run() throws {
            let locator = DataLocator(explicit: data.directory)
            var failed = false
            for dataset in DatasetName.allCases {
                guard let folder = try? locator.folder(for: dataset) else {
                    print("\(dataset.rawValue): not found (looked in \(locator.roots.joined(separator: ", ")))")
                    failed = true
                    continue
                }
                let result = Verification.verify(dataset, folder: folder)
                print("\(dataset.rawValue): \(result.ok ? "verified" : "FAILED") in \(folder)")
                for f in result.files {
                    print("  \(f.problem == nil ? "ok  " : "BAD ") \(f.path)\(f.problem.map { ": \($0)" } ?? "")")
                }
                failed = failed || !result.ok
            }
            if failed { throw ExitCode(1) }
        }
    }

    struct FetchCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fetch", abstract: "Download a dataset from its usual mirrors and verify it.")
        @Argument(help: "mnist or fashion-mnist") var dataset: String
        @Option(help: "Data root to download into (the dataset goes in a sub-folder).") var to: String = "./data"

        func run() throws {
            try Fetch.fetch(try DatasetName(parsing: dataset), into: to)
        }
    }
}
