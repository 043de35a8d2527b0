import Figures
import ForwardForward
import Foundation
import Notebook
import RunStore

// Helpers the studies share: formatting, the paper-table rows, trace figures.
// They live in the library, so that changing them is noted on every cell that
// ran before (`library changed since it ran`), like the rest of the library.

/// A fraction as a percentage with two decimals, "—" when missing.
public func pct(_ v: Double?) -> String {
    guard let v, !v.isNaN else { return "—" }
    return String(format: "%.2f%%", 100 * v)
}

/// Mean ± sample standard deviation as percentages ("93.12 ± 0.40%"), or the one value.
public func meanSD(_ v: [Double]) -> String {
    v.count > 1 ? String(format: "%.2f ± %.2f%%", 100 * SeedFigures.mean(v), 100 * SeedFigures.sd(v)) : pct(v.first)
}

/// Signed difference in percentage points, "—" when either side is missing.
public func points(_ a: Double?, _ b: Double?) -> String {
    guard let a, let b, !a.isNaN, !b.isNaN else { return "—" }
    return String(format: "%+.2f", 100 * (a - b))
}

/// What the paper prints for one method of Table I or II.
public struct PaperRow: Sendable {
    public var method: String
    public var train: String
    public var test: String
    public var epochs: Int
    public init(method: String, train: String, test: String, epochs: Int) {
        self.method = method
        self.train = train
        self.test = test
        self.epochs = epochs
    }
}

/// The rows of Table I/II: the paper's numbers next to ours, in both prediction modes.
public func paperTable(_ ctx: CellContext, _ rows: [(paper: PaperRow, run: RunContents)]) {
    ctx.table(
        [
            "method", "architecture", "epochs (paper / ours)", "train (paper)", "test (paper)",
            "train (ours)", "test (ours, per-sample)", "test (ours, batch)",
        ],
        rows.map { p, r in
            [
                p.method, "\(r.config.layerSizes)", "\(p.epochs) / \(r.config.epochs)", p.train, p.test,
                pct(r.finalPerSample?.train), pct(r.finalPerSample?.test), pct(r.finalBatch?.test),
            ]
        })
}

/// Every trace figure of `runs`, written to the notebook's outputs.
public func traceFigures(_ ctx: CellContext, _ runs: [(label: String, run: RunContents)]) throws {
    let figures = TraceFigures.all(runs)
    for (name, svg) in figures { try ctx.figure(name, svg: svg) }
    ctx.print("\(figures.count) figures: " + figures.map(\.name).joined(separator: ", "))
}
