import Datasets
import Foundation
import HDF5

/// A cell's window on the notebook: parameters, upstream state, data, and its
/// own outputs. Everything it reads is recorded for the cache key.
public final class CellContext {
    let inputs: CellInputs
    let index: Int
    /// The folder the cell's entry is built in (figures go there).
    let staging: String
    var parametersRead: [String: String] = [:]
    var cellsRead: [Int: String] = [:]
    var dataRead: [String: String] = [:]
    var sweepsRead: [SweepRead] = []
    /// Where each dataset was read from (provenance: not part of the key).
    var dataSources: [String: String] = [:]
    var output = ""
    var figures: [String] = []
    /// Runs trained, with their run files.
    var runs: [(name: String, path: String)] = []
    var tensors: [SavedTensor] = []
    /// Training time of runs made before this cell ran: the steps of an
    /// interrupted run it resumed, and the whole of a finished run it reused,
    /// so that the recorded time is what its results cost to compute.
    var earlierTrainingSeconds = 0.0

    init(inputs: CellInputs, index: Int, staging: String) {
        self.inputs = inputs
        self.index = index
        self.staging = staging
    }

    // MARK: Output

    /// Prints, and records the text as the cell's output.
    public func print(_ items: Any..., separator: String = " ") {
        let line = items.map { "\($0)" }.joined(separator: separator)
        output += line + "\n"
        Swift.print(line)
    }

    /// Prints a Markdown table (the report renders it as a table).
    public func table(_ headers: [String], _ rows: [[String]]) {
        self.print("| " + headers.joined(separator: " | ") + " |")
        self.print("|" + headers.map { _ in "---" }.joined(separator: "|") + "|")
        for r in rows { self.print("| " + r.joined(separator: " | ") + " |") }
    }

    /// Records a figure: kept in the cell's entry, published to `outputs/<notebook>/<name>`
    /// (or the parameter set's folder).
    public func figure(_ name: String, svg: String) throws {
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix(".") else {
            throw NotebookError("cell \(index + 1): figure name '\(name)' must be a plain file name")
        }
        try Data(svg.utf8).write(to: URL(fileURLWithPath: staging + "/figures/" + name), options: .atomic)
        figures.append(name)
    }

    // MARK: State

    /// Saves a tensor under `/tensors/<name>` of the cell's state. `dims` names
    /// its dimensions (HDF5 dimension scales, which xarray and netCDF tools read
    /// as dimension names; default `<name>_dim0`, …); `units` as CF writes them
    /// (default "1": dimensionless, as CF writes fractions and counts). Tensors
    /// of 64 KiB or more are stored with shuffle + gzip.
    public func save(_ name: String, _ values: [Float], shape: [Int]? = nil, dims: [String]? = nil, units: String = "1") {
        tensors.append(SavedTensor(name: name, data: .float(values, shape ?? [values.count]), dims: dims, units: units))
    }
    public func save(_ name: String, _ values: [Double], shape: [Int]? = nil, dims: [String]? = nil, units: String = "1") {
        tensors.append(SavedTensor(name: name, data: .double(values, shape ?? [values.count]), dims: dims, units: units))
    }
    public func save(_ name: String, _ values: [Int64], shape: [Int]? = nil, dims: [String]? = nil, units: String = "1") {
        tensors.append(SavedTensor(name: name, data: .int64(values, shape ?? [values.count]), dims: dims, units: units))
    }

    static func tensor(_ name: String, in e: CacheEntry, cell i: Int) throws -> [Double] {
        let f = try HDF5File.open(e.statePath)
        defer { try? f.close() }
        guard f.root.contains("tensors/" + name) else {
            throw NotebookError("cell \(i + 1) saved no tensor '\(name)' (\(e.statePath))")
        }
        return try f.root.dataset("tensors/" + name).read(as: Double.self)
    }

    /// The file of run `name` of cell i's entry: its run file, else its trace copy.
    static func runFile(_ name: String, in e: CacheEntry, cell i: Int, inputs: CellInputs) throws -> String {
        guard let path = inputs.runFile(i, name, entry: e) else {
            throw NotebookError(
                "cell \(i + 1) has no run named '\(name)' (its runs: \(e.state.runs.joined(separator: ", ")); entry \(e.directory))")
        }
        return path
    }

    /// Cell i's entry, made fresh first; its key enters this cell's key.
    func upstream(_ i: Int) throws -> CacheEntry {
        guard i < index else { throw NotebookError("cell \(index + 1) can only read earlier cells, not cell \(i + 1)") }
        let e = try inputs.freshEntry(i)
        cellsRead[i] = e.state.key
        return e
    }

    // MARK: Data

    /// The experiment's data split; the dataset's files are fingerprinted for the key.
    public func data(_ dataset: DatasetName, seed: UInt64, trainSize: Int? = nil, evalSize: Int? = nil) throws -> DataSplit {
        dataRead[dataset.rawValue] = try inputs.dataFingerprint(dataset)
        let split = try DataSplit.load(dataset, locator: inputs.locator, seed: seed, trainSize: trainSize, evalSize: evalSize)
        if let source = split.source {
            dataSources[dataset.rawValue] = source.json
            inputs.log("  data: " + source.summary)
        }
        return split
    }
}

/// A tensor a cell saved, with the names of its dimensions and its units.
struct SavedTensor {
    var name: String
    var data: HDF5Tensor
    var dims: [String]?
    var units: String

    var shape: [Int] {
        switch data {
        case .float(_, let s), .double(_, let s), .int64(_, let s): return s
        }
    }

    /// The dimension names: given, else `<name>_dim<k>` with the name's slashes as underscores.
    var dimensionNames: [String] {
        if let dims, dims.count == shape.count { return dims }
        let base = name.replacingOccurrences(of: "/", with: "_")
        return shape.indices.map { "\(base)_dim\($0)" }
    }
}

enum HDF5Tensor {
    case float([Float], [Int])
    case double([Double], [Int])
    case int64([Int64], [Int])
}
