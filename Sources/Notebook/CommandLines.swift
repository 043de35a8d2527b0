import Foundation

/// The `amsga run` a sweep's point or a Slurm task starts: built here only,
/// from the options `amsga run` declares, and checked by a test that runs
/// each through the real parser (`CommandLineTests`).
public struct RunArguments: Equatable, Sendable {
    public var notebook: String
    /// `name=value` per parameter set on the command line.
    public var overrides: [String]
    public var threads: Int
    public var outputs: String
    public var cell: String?
    public var dataDirectory: String?

    public init(notebook: String, overrides: [String], threads: Int, outputs: String, cell: String? = nil, dataDirectory: String? = nil) {
        self.notebook = notebook
        self.overrides = overrides
        self.threads = threads
        self.outputs = outputs
        self.cell = cell
        self.dataDirectory = dataDirectory
    }

    /// The options after the notebook's name and its parameters.
    public var options: [String] {
        ["--threads", String(threads), "--outputs", outputs] + cellAndData(cell, dataDirectory)
    }

    public var arguments: [String] { ["run", notebook] + overrides.flatMap { ["-p", $0] } + options }
}

/// The `amsga sweep` a cluster's gather job runs: the same grid on one task,
/// which finds the points the array made and completes any that is missing.
public struct SweepArguments: Equatable, Sendable {
    public var notebook: String
    /// The grid as `-p` takes it (`name=v1,v2`, `name=a..b`).
    public var grid: [String]
    public var jobs: Int
    public var threads: Int
    public var outputs: String
    public var cell: String?
    public var dataDirectory: String?

    public init(
        notebook: String, grid: [String], jobs: Int, threads: Int, outputs: String, cell: String? = nil, dataDirectory: String? = nil
    ) {
        self.notebook = notebook
        self.grid = grid
        self.jobs = jobs
        self.threads = threads
        self.outputs = outputs
        self.cell = cell
        self.dataDirectory = dataDirectory
    }

    public var arguments: [String] {
        ["sweep", notebook] + grid.flatMap { ["-p", $0] } + ["--jobs", String(jobs), "--threads", String(threads), "--outputs", outputs]
            + cellAndData(cell, dataDirectory)
    }
}

/// The options `run` and `sweep` share: the one cell to run, and the data folder.
private func cellAndData(_ cell: String?, _ dataDirectory: String?) -> [String] {
    (cell.map { ["--cell", $0] } ?? []) + (dataDirectory.map { ["--data", $0] } ?? [])
}
