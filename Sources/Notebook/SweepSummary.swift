import Figures
import Foundation
import RunStore

/// The table a sweep ends with: one row per point (its values, what happened,
/// the final test accuracy of every run its cells trained), then, when the
/// grid sweeps `seed`, mean ± sd over the seeds of each other combination.
extension Sweep {
    public func summary() throws -> (headers: [String], rows: [[String]]) {
        let axes = grid.axes.map(\.name)
        var runNames: [String] = []
        var accuracies: [[String: Double]] = []
        for i in points.indices {
            var found: [String: Double] = [:]
            let r = try runner(i)
            let cells = try options.cell.map { [try notebook.cell($0)] } ?? Array(notebook.cells.indices)
            for c in cells {
                guard let e = r.entry(c) else { continue }
                for name in e.state.runs {
                    guard let path = r.availableRun(c, name, entry: e), let run = try? RunFile.read(path: path),
                          let test = run.finalPerSample?.test else { continue }
                    if !runNames.contains(name) { runNames.append(name) }
                    found[name] = test
                }
            }
            accuracies.append(found)
        }
        let headers = axes + ["outcome"] + runNames.map { "\($0) test" }
        var rows: [[String]] = points.indices.map { i in
            points[i].overrides.map { String($0.split(separator: "=", maxSplits: 1).last ?? "") }
                + [Self.describe(points[i].outcome)] + runNames.map { n in accuracies[i][n].map(Self.percent) ?? "—" }
        }
        if let seedAxis = axes.firstIndex(of: "seed"), grid.axes[seedAxis].values.count > 1 {
            var groups: [[String]: [Int]] = [:], order: [[String]] = []
            for i in points.indices {
                var rest = points[i].overrides
                rest.remove(at: seedAxis)
                if groups[rest] == nil { order.append(rest) }
                groups[rest, default: []].append(i)
            }
            for g in order {
                var cells = axes.indices.map { $0 == seedAxis ? "mean ± sd" : "" }
                var k = 0
                for a in axes.indices where a != seedAxis {
                    cells[a] = String(g[k].split(separator: "=", maxSplits: 1).last ?? "")
                    k += 1
                }
                rows.append(cells + ["\(groups[g]!.count) seeds"] + runNames.map { n in
                    let v = groups[g]!.compactMap { accuracies[$0][n] }
                    return v.count < 2 ? "—" : String(format: "%.2f ± %.2f%%", 100 * SeedFigures.mean(v), 100 * SeedFigures.sd(v))
                })
            }
        }
        return (headers, rows)
    }

    /// The summary as Markdown, also written to `<sweep folder>/summary.md`.
    public func writeSummary() throws -> String {
        let (headers, rows) = try summary()
        var text = "| " + headers.joined(separator: " | ") + " |\n|" + headers.map { _ in "---" }.joined(separator: "|") + "|\n"
        for r in rows { text += "| " + r.joined(separator: " | ") + " |\n" }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/summary.md"), options: .atomic)
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
