import Foundation
import HDF5
import RunStore

/// The executor: runs one cell with a context, and commits what it made as
/// an entry (state file, figures, trace copies) under the key of what it read.
extension NotebookRunner {
    func execute(_ i: Int, reasons: [String]) throws {
        let cell = notebook.cells[i]
        log("[\(i + 1)] \(cell.name): running (\(reasons.joined(separator: "; ")))")
        store.removeAbandonedStaging(slug(i))
        let staging = try store.stage(slug(i))
        defer { try? FileManager.default.removeItem(atPath: staging) }
        let ctx = CellContext(inputs: self, index: i, staging: staging)
        let start = Date()
        try cell.body(ctx)
        let key = CellState.key(
            sourceHash: sourceHash(i), parameters: ctx.parametersRead, reads: ctx.cellsRead,
            data: ctx.dataRead, sweeps: ctx.sweepsRead, libraries: keyedLibraries)
        var state = CellState(
            key: key, sourceHash: sourceHash(i), parameters: ctx.parametersRead, reads: ctx.cellsRead, data: ctx.dataRead,
            library: Self.libraryFingerprint, output: ctx.output, figures: ctx.figures, runs: ctx.runs.map(\.name),
            sweepReads: ctx.sweepsRead, libraries: keyedLibraries, seconds: Date().timeIntervalSince(start) + ctx.earlierTrainingSeconds,
            ranAt: ISO8601DateFormatter().string(from: start), threads: threads)
        for (name, path) in ctx.runs {
            guard let summary = RunFile.summary(path: path) else { throw NotebookError("run \(name) of cell \(i + 1) was not written") }
            state.runParameters[name] = CellState.sha256(summary.parametersJSON)
            try exportTrace(from: path, to: staging + "/traces/" + name + ".h5", cell: i, key: key)
        }
        try writeState(state, tensors: ctx.tensors, dataSources: ctx.dataSources, cell: i, to: staging + "/state.h5")
        let e = CacheEntry(directory: try store.commit(staging, slug: slug(i), key: key), state: state)
        executed.append(i)
        try publish(i, e)
        log(String(format: "[%d] %@: done in %.1f s", i + 1, cell.name, state.seconds))
    }

    /// Writes the trace-only copy of a run (marked with the cell's key).
    func exportTrace(from run: String, to path: String, cell i: Int, key: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try RunFile.writeTraceOnly(
            try RunFile.read(path: run), to: path,
            attributes: [
                "notebook": .string(notebook.name), "cell": .int(Int64(i + 1)),
                "cell_name": .string(notebook.cells[i].name), "cell_key": .string(key),
            ])
    }

    /// Writes a state file; it lives in a staging folder until the entry is committed.
    func writeState(_ s: CellState, tensors: [SavedTensor], dataSources: [String: String], cell i: Int, to path: String) throws {
        let f = try HDF5File.create(path)
        try s.write(to: f.root, notebook: notebook.name, cell: i, name: notebook.cells[i].name)
        try f.root.setAttribute("git_commit", .string(Provenance.gitCommit))
        // A result of code no commit holds keeps that code beside it.
        if let diff = Provenance.uncommittedDiff {
            let entry = (path as NSString).deletingLastPathComponent
            try Data(diff.utf8).write(to: URL(fileURLWithPath: entry + "/" + CacheEntry.uncommittedDiffName))
            try f.root.setAttribute("uncommitted_diff_sha256", .string(CellState.sha256(diff)))
        }
        if !dataSources.isEmpty {
            try f.root.setAttribute(
                "data_sources",
                .string("{" + dataSources.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ") + "}"))
        }
        try f.root.setAttribute("parameters", .string(ParameterValue.json(parameters)))
        var scales: [String: HDF5Dataset] = [:]
        for t in tensors {
            let d: HDF5Dataset
            switch t.data {
            case .float(let v, let shape):
                d = try f.root.write("tensors/" + t.name, v, shape: shape, storage: .automatic(shape: shape, elementSize: 4))
            case .double(let v, let shape):
                d = try f.root.write("tensors/" + t.name, v, shape: shape, storage: .automatic(shape: shape, elementSize: 8))
            case .int64(let v, let shape):
                d = try f.root.write("tensors/" + t.name, v, shape: shape, storage: .automatic(shape: shape, elementSize: 8))
            }
            try d.setAttribute("units", .string(t.units))
            // Each dimension: an index coordinate beside the tensors, made a dimension scale.
            for (k, (dim, length)) in zip(t.dimensionNames, t.shape).enumerated() {
                if scales[dim] == nil {
                    let scale = try f.root.write("tensors/" + dim, (0..<length).map { Int64($0) })
                    try scale.makeScale(dim)
                    try scale.setAttribute("units", .string("1"))
                    scales[dim] = scale
                }
                guard let scale = scales[dim], scale.count == length else {
                    throw NotebookError(
                        "cell \(i + 1): tensor '\(t.name)' gives dimension '\(dim)' length \(length), another tensor gave it \(scales[dim]?.count ?? 0)"
                    )
                }
                try d.attachScale(scale, dimension: k)
            }
        }
        FaultInjection.reach(.cellState)
        try f.root.setAttribute("complete", .int(1))
        try f.close()
    }

    /// Progress of a training cell: a redrawn line on a terminal; in a log (nohup,
    /// a batch system, a sweep point) a plain line at least every 30 s.
    func progress(name: String, total: Int) -> (TrainingProgress) -> Void {
        let tty = progressOnTerminal
        var pace = StepPace()
        var lastLine = Date()
        let log = self.log
        let interval = progressInterval
        return { t in
            let (perStep, left) = pace.after(step: t.step, of: total)
            let acc = t.validation.isNaN ? "" : String(format: "  val %.2f%%", 100 * t.validation)
            if tty {
                let line = String(
                    format: "\r\u{1B}[K  %@: step %d/%d  loss %.4f%@  left %.0f s", name, t.step, total, t.loss, acc, left)
                FileHandle.standardError.write(Data(line.utf8))
                if t.step == total { FileHandle.standardError.write(Data("\n".utf8)) }
            } else if Date().timeIntervalSince(lastLine) >= interval || t.step == total {
                lastLine = Date()
                log(
                    String(
                        format: "  %@: step %d/%d, loss %.4f%@, %.2f s/step, %@ left", name, t.step, total, t.loss,
                        acc.replacingOccurrences(of: "  val", with: ", val"),
                        perStep, Sweep.duration(left)))
            }
        }
    }
}
