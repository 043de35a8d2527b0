import Figures
import Foundation
import Notebook
import RunStore

/// Two methods trained at the same seeds (a seed fixes the split, the
/// initialisation and every random draw of both), compared the way the
/// evidence asks: per-seed values, mean ± sample sd, and the difference
/// paired by seed with a 95% t-interval over the seeds.
public struct SeedComparison {
    public struct Method {
        public var label: String
        /// The name of its runs, which labels them "<run>-s<seed>" in the figures over seeds.
        public var run: String
        public init(_ label: String, run: String) {
            self.label = label
            self.run = run
        }
    }

    public let seeds: [Int]
    public let baseline: [RunContents]
    public let method: [RunContents]
    let names: (baseline: Method, method: Method)

    /// Reads the run of each training cell at seeds 0 ..< `seeds` (the
    /// parameter `seed` names), with `fixed` on top of every point, through a
    /// sweep: cached points are read, missing ones train here.
    public init<P>(
        _ ctx: CellContext, seeds: Int, seed: KeyPath<P, Int>,
        baseline: (label: String, cell: CellRef<P>), method: (label: String, cell: CellRef<P>), fixed: [Assign<P>] = []
    ) throws {
        let points = (0..<seeds).map { fixed + [Assign(seed, $0)] }
        func read(_ label: String, _ cell: CellRef<P>) throws -> (Method, [RunContents]) {
            let results = try ctx.sweep(cell, over: points)
            return (Method(label, run: try results.first?.runName() ?? cell.name), try results.map { try $0.run() })
        }
        self.init(seeds: Array(0..<seeds), baseline: try read(baseline.label, baseline.cell), method: try read(method.label, method.cell))
    }

    /// Runs already read, the i-th of each at `seeds[i]` (for a grid that trains both methods in one cell).
    public init(seeds: [Int], baseline: (Method, [RunContents]), method: (Method, [RunContents])) {
        precondition(baseline.1.count == seeds.count && method.1.count == seeds.count, "one run per seed and method")
        self.seeds = seeds
        self.baseline = baseline.1
        self.method = method.1
        names = (baseline.0, method.0)
    }

    /// The table: one row per method and one for the paired difference, in both prediction modes.
    public func table(_ ctx: CellContext) {
        let ps: (RunContents) -> Double = { $0.finalPerSample?.test ?? .nan }
        let bt: (RunContents) -> Double = { $0.finalBatch?.test ?? .nan }
        func row(_ label: String, _ a: [Double], _ b: [Double]) -> [String] {
            [
                label, "\(a.count)", a.map { String(format: "%.2f", 100 * $0) }.joined(separator: ", "),
                meanSD(a), meanSD(b),
            ]
        }
        ctx.table(
            ["", "seeds", "test % per seed (per-sample)", "test (per-sample), mean ± sd", "test (batch), mean ± sd"],
            [
                row(names.baseline.label, baseline.map(ps), baseline.map(bt)),
                row(names.method.label, method.map(ps), method.map(bt)),
            ])
        ctx.print("\nThe difference, paired by seed (the same split, initialisation and draws for both):\n")
        ctx.table(
            [
                "\(names.method.label) − \(names.baseline.label)", "seeds", "per seed (points)", "mean ± sd (points)",
                "95% interval (points)",
            ],
            [("per-sample", ps), ("batch", bt)].map { mode, f in
                let d = zip(method.map(f), baseline.map(f)).map { 100 * ($0 - $1) }
                let interval = Self.interval(d)
                return [
                    "test, \(mode)", "\(d.count)", d.map { String(format: "%+.2f", $0) }.joined(separator: ", "),
                    d.count > 1
                        ? String(format: "%+.2f ± %.2f", SeedFigures.mean(d), SeedFigures.sd(d)) : String(format: "%+.2f", d.first ?? .nan),
                    interval.map { String(format: "[%+.2f, %+.2f]", $0.lower, $0.upper) } ?? "— (one seed)",
                ]
            })
        ctx.print(
            seeds.count < 2
                ? "\nOne seed: the difference is a single draw, with no interval."
                : "\nThe interval is mean ± t(0.975, n − 1) · sd / √n over n = \(seeds.count) seeds; with so few seeds it is wide, "
                    + "and it covers the variation between seeds (split, initialisation, random draws) only.")
    }

    /// The runs labelled "<label>-s<seed>", as the figures over seeds group them.
    public var labelledRuns: [(label: String, run: RunContents)] {
        zip(seeds, baseline).map { ("\(names.baseline.run)-s\($0)", $1) } + zip(seeds, method).map { ("\(names.method.run)-s\($0)", $1) }
    }

    /// mean ± t(0.975, n−1)·sd/√n; nil for fewer than two values.
    public static func interval(_ d: [Double]) -> (lower: Double, upper: Double)? {
        guard d.count > 1 else { return nil }
        let half = tQuantile975(degreesOfFreedom: d.count - 1) * SeedFigures.sd(d) / Double(d.count).squareRoot()
        let m = SeedFigures.mean(d)
        return (m - half, m + half)
    }

    /// The 0.975 quantile of Student's t with `df` degrees of freedom (two-sided 95%).
    public static func tQuantile975(degreesOfFreedom df: Int) -> Double {
        let table = [
            12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
            2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        ]
        precondition(df >= 1, "t quantile needs at least one degree of freedom")
        return df <= table.count ? table[df - 1] : 1.96 + 2.4 / Double(df)  // within 0.006 of the exact value beyond 20
    }
}
