import Figures
import ForwardForward
import Notebook
import RunStore

// Small helpers the paper-table notebooks share: formatting and the table rows.

/// A fraction as a percentage with two decimals, "—" when missing.
func pct(_ v: Double?) -> String {
    guard let v, !v.isNaN else { return "—" }
    return String(format: "%.2f%%", 100 * v)
}

/// Signed difference in percentage points, "—" when either side is missing.
func points(_ a: Double?, _ b: Double?) -> String {
    guard let a, let b, !a.isNaN, !b.isNaN else { return "—" }
    return String(format: "%+.2f", 100 * (a - b))
}

/// What the paper prints for one method of Table I or II.
struct PaperRow {
    var method: String
    var train: String
    var test: String
    var epochs: Int
}

/// The rows of Table I/II: the paper's numbers next to ours, in both prediction modes.
func paperTable(_ ctx: CellContext, _ rows: [(paper: PaperRow, run: RunContents)]) {
    ctx.table(["method", "architecture", "epochs (paper / ours)", "train (paper)", "test (paper)",
               "train (ours)", "test (ours, per-sample)", "test (ours, batch)"],
              rows.map { p, r in
                  [p.method, "\(r.config.layerSizes)", "\(p.epochs) / \(r.config.epochs)", p.train, p.test,
                   pct(r.finalPerSample?.train), pct(r.finalPerSample?.test), pct(r.finalBatch?.test)]
              })
}

/// Every trace figure of `runs`, written to the notebook's outputs.
func traceFigures(_ ctx: CellContext, _ runs: [(label: String, run: RunContents)]) throws {
    let figures = TraceFigures.all(runs)
    for (name, svg) in figures { try ctx.figure(name, svg: svg) }
    ctx.print("\(figures.count) figures: " + figures.map(\.name).joined(separator: ", "))
}
