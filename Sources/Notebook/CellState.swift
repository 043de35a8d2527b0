import Datasets
import Foundation
import HDF5
import RunStore

/// What a cell recorded when it last ran, stored as root attributes of its
/// HDF5 state file (`outputs/<notebook>/cache/<NN-cell>/<key>/state.h5`) beside the tensors
/// it saved under `/tensors`.
public struct CellState: Sendable {
    public static let format = "amsga-cell"
    /// 2: every attribute below is present (format 1 files lacked some;
    /// `amsga cache migrate` rewrites them).
    public static let formatVersion = 2
    /// The derivation of the key, versioned apart from the file's format so
    /// that a new format need not re-key (and re-run) every cell.
    static let keyVersion = 1

    public var key: String
    public var sourceHash: String
    public var parameters: [String: String]
    /// Upstream cells read (by index) and their keys then.
    public var reads: [Int: String]
    public var data: [String: String]
    /// The library's sources the cell ran with: a JSON object of SHA-256 per
    /// module. Cells that ran before per-module digests hold one digest of the
    /// whole library under the name `*` (what the migration could keep).
    public var library: String
    public var output: String
    public var figures: [String]
    public var runs: [String]
    /// SHA-256 of each run's configuration JSON, so that a run file of another
    /// configuration at the same path (a later, unfinished run) is not taken for it.
    public var runParameters: [String: String] = [:]
    /// Cells of other parameter sets read through `CellContext.sweep`.
    public var sweepReads: [SweepRead] = []
    /// SHA-256 of each keyed library module the cell ran with (`LibraryDigests.keyed`).
    public var libraries: [String: String] = [:]
    public var seconds: Double
    public var ranAt: String
    /// OpenBLAS threads the cell ran with (provenance: not part of the key).
    public var threads: Int = 0
    /// The commit the cell ran at (written beside the state; "" when unknown),
    /// with "+dirty" when the code differed from it.
    public var gitCommit = ""
    /// SHA-256 of `uncommitted.diff`, the code's changes against that commit
    /// ("" when there were none; the attribute is written only when there were).
    public var uncommittedDiff = ""

    static func sha256(_ s: String) -> String { Verification.sha256Hex(Data(s.utf8)) }

    /// The cache key: format, source, the parameters and data read, and the keys of the upstream cells read.
    static func key(
        sourceHash: String, parameters: [String: String], reads: [Int: String], data: [String: String],
        sweeps: [SweepRead] = [], libraries: [String: String] = [:]
    ) -> String {
        var parts = ["format \(keyVersion)", "source \(sourceHash)"]
        parts += parameters.sorted { $0.key < $1.key }.map { "parameter \($0.key)=\($0.value)" }
        parts += reads.sorted { $0.key < $1.key }.map { "cell \($0.key) \($0.value)" }
        parts += data.sorted { $0.key < $1.key }.map { "data \($0.key) \($0.value)" }
        parts += sweeps.sorted().map { "sweep cell \($0.cell) \($0.pointText) \($0.key)" }
        parts += libraries.sorted { $0.key < $1.key }.map { "library \($0.key) \($0.value)" }
        return sha256(parts.joined(separator: "\n"))
    }

    func write(to root: HDF5Group, notebook: String, cell: Int, name: String) throws {
        try root.setAttribute("format", .string(Self.format))
        try root.setAttribute("format_version", .int(Int64(Self.formatVersion)))
        try root.setAttribute("notebook", .string(notebook))
        try root.setAttribute("cell", .int(Int64(cell + 1)))
        try root.setAttribute("cell_name", .string(name))
        try root.setAttribute("key", .string(key))
        try root.setAttribute("source_hash", .string(sourceHash))
        try root.setAttribute("parameters_read", .string(json(parameters)))
        try root.setAttribute("cells_read", .string(json(Dictionary(uniqueKeysWithValues: reads.map { (String($0.key + 1), $0.value) }))))
        try root.setAttribute("data_read", .string(json(data)))
        try root.setAttribute("library", .string(library))
        try root.setAttribute("output", .string(output))
        try root.setAttribute("figures", .strings(figures))
        try root.setAttribute("runs", .strings(runs))
        try root.setAttribute("run_parameters", .string(json(runParameters)))
        if !sweepReads.isEmpty {
            try root.setAttribute("sweeps_read", .string(CanonicalJSON.string(sweepReads.sorted())))
        }
        if !libraries.isEmpty { try root.setAttribute("libraries_read", .string(json(libraries))) }
        try root.setAttribute("threads", .int(Int64(threads)))
        try root.setAttribute("seconds", .double(seconds))
        try root.setAttribute("ran_at", .string(ranAt))
    }

    static func read(from root: HDF5Group) throws -> CellState {
        guard root.hasAttribute("complete"), try root.attribute("complete").int == 1 else {
            throw NotebookError("incomplete (no completion mark)")
        }
        guard try root.attribute("format").string == format else { throw NotebookError("not a cell state file") }
        let version = try root.attribute("format_version").int ?? -1
        guard version == Int64(formatVersion) else {
            throw NotebookError(
                "cell-state format \(version), this amsga reads \(formatVersion)"
                    + (version < Int64(formatVersion) ? " (`amsga cache migrate` rewrites older ones)" : ""))
        }
        func s(_ n: String) throws -> String { try root.attribute(n).string ?? "" }
        func list(_ n: String) throws -> [String] {
            switch try root.attribute(n) {
            case .strings(let v): return v
            case .string(let v): return [v]
            default: return []
            }
        }
        let reads = try decode(s("cells_read")).reduce(into: [Int: String]()) { $0[Int($1.key)! - 1] = $1.value }
        let sweeps =
            root.hasAttribute("sweeps_read")
            ? try JSONDecoder().decode([SweepRead].self, from: Data(try s("sweeps_read").utf8)) : []
        return CellState(
            key: try s("key"), sourceHash: try s("source_hash"), parameters: try decode(s("parameters_read")),
            reads: reads, data: try decode(s("data_read")), library: try s("library"), output: try s("output"),
            figures: try list("figures"), runs: try list("runs"),
            runParameters: try decode(s("run_parameters")), sweepReads: sweeps,
            libraries: root.hasAttribute("libraries_read") ? try decode(s("libraries_read")) : [:],
            seconds: try root.attribute("seconds").double ?? 0, ranAt: try s("ran_at"),
            threads: Int(try root.attribute("threads").int ?? 0), gitCommit: try s("git_commit"),
            uncommittedDiff: root.hasAttribute("uncommitted_diff_sha256") ? try s("uncommitted_diff_sha256") : "")
    }

    private func json(_ d: [String: String]) -> String { CanonicalJSON.string(d) }

    private static func decode(_ s: String) throws -> [String: String] {
        try JSONDecoder().decode([String: String].self, from: Data(s.utf8))
    }
}

/// A cell of another parameter set that a cell read (`CellContext.sweep`):
/// the cell, the overrides that made the set, and its key then.
public struct SweepRead: Codable, Sendable, Comparable {
    public var cell: Int
    /// The point's overrides, `name=value`, sorted.
    public var point: [String]
    public var key: String

    var pointText: String { point.joined(separator: " ") }
    public static func < (a: SweepRead, b: SweepRead) -> Bool { (a.cell, a.pointText) < (b.cell, b.pointText) }
}

/// A cell state file as `amsga inspect` shows it: what the cell recorded and the tensors it saved.
public struct CellFileSummary: Sendable {
    public var notebook: String
    public var cell: Int
    public var cellName: String
    public var state: CellState
    /// Name and shape of every tensor under `/tensors`.
    public var tensors: [(name: String, shape: [Int])]

    /// Whether `path` is a cell state file (its format attribute says so), without judging the rest.
    public static func isCellFile(_ path: String) -> Bool {
        guard let f = try? HDF5File.open(path) else { return false }
        defer { try? f.close() }
        return f.root.hasAttribute("format") && (try? f.root.attribute("format").string) == CellState.format
    }

    public static func read(path: String) throws -> CellFileSummary {
        let f = try HDF5File.open(path)
        defer { try? f.close() }
        let root = f.root
        let state: CellState
        do { state = try CellState.read(from: root) } catch { throw NotebookError("\(path): \(error)") }
        var tensors: [(String, [Int])] = []
        if root.contains("tensors") {
            let g = try root.group("tensors")
            for name in try g.children() where !g.isGroup(name) {
                tensors.append((name, try g.dataset(name).shape))
            }
        }
        return CellFileSummary(
            notebook: try root.attribute("notebook").string ?? "?",
            cell: Int(try root.attribute("cell").int ?? 0),
            cellName: try root.attribute("cell_name").string ?? "?", state: state, tensors: tensors)
    }
}
