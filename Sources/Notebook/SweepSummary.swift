import Figures
import Foundation
import RunStore

/// The table a sweep ends with: one row per point (its values, what happened,
/// the final test accuracy of every run its cells trained), then, when the
/// grid sweeps the notebook's replicate parameter (a seed), mean ± sd over it
/// for each other combination.
extension Sweep {
    public func summary() throws -> (headers: [String], rows: [[String]]) {
        let axes = grid.axes.map(\.name)
        // Per point, its runs in order: (name, final test accuracy per-sample).
        let found: [[(name: String, test: Double)]] = try points.indices.map { i in
            let r = try runner(i)
            let cells = try options.cell.map { [try notebook.cell($0)] } ?? Array(notebook.cells.indices)
            return cells.flatMap { c -> [(name: String, test: Double)] in
                guard let e = r.entry(c) else { return [] }
                return e.state.runs.compactMap { name in
                    guard let path = r.availableRun(c, name, entry: e), let test = (try? RunFile.read(path: path))?.finalPerSample?.test
                    else { return nil }
                    return (name, test)
                }
            }
        }
        // One column per run slot, named by the run when every point names it alike.
        let slots = found.map(\.count).max() ?? 0
        let names: [String?] = (0..<slots).map { k in
            let n = Set(found.compactMap { $0.count > k ? $0[k].name : nil })
            return n.count == 1 ? n.first : nil
        }
        let headers = axes + ["outcome"] + names.enumerated().map { ($0.element ?? "run \($0.offset + 1)") + " test" }
        func value(_ i: Int, _ k: Int) -> String {
            guard found[i].count > k else { return "—" }
            return (names[k] == nil ? found[i][k].name + ": " : "") + Self.percent(found[i][k].test)
        }
        var rows: [[String]] = points.indices.map { i in
            points[i].overrides.map { String($0.split(separator: "=", maxSplits: 1).last ?? "") }
                + [Self.describe(points[i].outcome)] + (0..<slots).map { value(i, $0) }
        }
        if let replicate = notebook.replicate, let seedAxis = axes.firstIndex(of: replicate), grid.axes[seedAxis].values.count > 1 {
            var groups: [[String]: [Int]] = [:]
            var order: [[String]] = []
            for i in points.indices {
                var rest = points[i].overrides
                rest.remove(at: seedAxis)
                if groups[rest] == nil { order.append(rest) }
                groups[rest, default: []].append(i)
            }
            for g in order {
                var cells = axes.indices.map { $0 == seedAxis ? "mean ± sd" : "" }
                for (k, a) in axes.indices.filter({ $0 != seedAxis }).enumerated() {
                    cells[a] = String(g[k].split(separator: "=", maxSplits: 1).last ?? "")
                }
                rows.append(
                    cells + ["\(groups[g]!.count) seeds"]
                        + (0..<slots).map { k in
                            let v = groups[g]!.compactMap { found[$0].count > k ? found[$0][k].test : nil }
                            return v.count < 2 ? "—" : String(format: "%.2f ± %.2f%%", 100 * SeedFigures.mean(v), 100 * SeedFigures.sd(v))
                        })
            }
        }
        return (headers, rows)
    }

    /// The summary as Markdown, also written to `<sweep folder>/summary.md`.
    public func writeSummary() throws -> String {
        let (headers, rows) = try summary()
        let text = Self.markdown(headers: headers, rows: rows)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/summary.md"), options: .atomic)
        return text
    }

    /// A Markdown table: the summary's form in `summary.md` and on the terminal.
    public static func markdown(headers: [String], rows: [[String]]) -> String {
        var text = "| " + headers.joined(separator: " | ") + " |\n|" + headers.map { _ in "---" }.joined(separator: "|") + "|\n"
        for r in rows { text += "| " + r.joined(separator: " | ") + " |\n" }
        return text
    }

    static func percent(_ v: Double) -> String { String(format: "%.2f%%", 100 * v) }

    static func describe(_ o: Outcome?) -> String {
        switch o {
        case .cached?: return "cached"
        case .ran(let s)?: return String(format: "ran, %.1f s", s)
        case .failed(let status, _)?: return "FAILED (exit \(status))"
        case nil: return "not run"
        }
    }
}
