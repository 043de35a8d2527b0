import ForwardForward
import Foundation

/// A run's trace as tidy CSV tables (`amsga export RUN.h5 --csv DIR`), for
/// pandas, R and spreadsheets:
/// - `<run>.csv`: one row per step (epoch, or layer-epoch of greedy training);
/// - `<run>-layers.csv`: one row per step and layer, the per-layer series;
/// - `<run>-final.csv`: the final accuracies, one row per split (when the run finished).
///
/// The columns are `TraceLayout`'s, in its order, so that a new trace column
/// reaches the tables without an edit here. Each header names its units in
/// brackets (`wall_seconds [s]`). Numbers are written so that they read back
/// to the same double: Swift's shortest round-trip form, `NaN` where a value
/// was not measured, `Inf` and `-Inf` (all three are numbers to pandas, R and
/// Python's `float`).
public enum TraceTables {
    /// Writes the tables of the run file at `path` into `folder` (made if
    /// needed) and returns the paths written.
    @discardableResult
    public static func write(runFile path: String, to folder: String) throws -> [String] {
        let run = try RunFile.read(path: path)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var written = [folder + "/" + run.run + ".csv", folder + "/" + run.run + "-layers.csv"]
        try write(steps(run.trace), to: written[0])
        try write(layers(run.trace, count: run.config.weightLayerCount), to: written[1])
        if let ps = run.finalPerSample, let bt = run.finalBatch {
            written.append(folder + "/" + run.run + "-final.csv")
            try write(final(perSample: ps, batch: bt), to: written[2])
        }
        return written
    }

    static func steps(_ trace: [EpochTrace]) -> [[String]] {
        let header = ["epoch [1]"] + TraceLayout.columns.map { "\($0.name) [\($0.units)]" }
        return [header]
            + trace.map { t in
                [String(t.epoch)] + TraceLayout.columns.map { c in c.integer ? String(Int64(c.get(t))) : number(c.get(t)) }
            }
    }

    static func layers(_ trace: [EpochTrace], count: Int) -> [[String]] {
        let header = ["epoch [1]", "layer [1]"] + TraceLayout.layerColumns.map { "\($0.0) [1]" }
        var rows = [header]
        for t in trace {
            for l in 0..<count {
                rows.append(
                    [String(t.epoch), String(l + 1)]
                        + TraceLayout.layerColumns.map { _, _, key in
                            number(l < t.layers.count ? t.layers[l][keyPath: key] : .nan)
                        })
            }
        }
        return rows
    }

    static func final(perSample: Accuracies, batch: Accuracies) -> [[String]] {
        [
            ["split", "accuracy_per_sample [1]", "accuracy_batch [1]"],
            ["train", number(perSample.train), number(batch.train)],
            ["validation", number(perSample.validation), number(batch.validation)],
            ["test", number(perSample.test), number(batch.test)],
        ]
    }

    static func number(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x < 0 ? "-Inf" : "Inf" }
        return x.description
    }

    /// RFC 4180 quoting (fields with a comma, quote or line break are quoted;
    /// lines end in LF, as pandas writes them). Written whole to a temporary
    /// file and renamed, so that a reader never sees half a table.
    static func write(_ rows: [[String]], to path: String) throws {
        func field(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        let text = rows.map { $0.map(field).joined(separator: ",") + "\n" }.joined()
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
