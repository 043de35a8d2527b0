import Charts
import ForwardForward
import RunStore

/// Figures over seeds: runs labelled "<variant>-s<seed>" are grouped by
/// variant and drawn as mean ± one sample standard deviation.
public enum SeedFigures {
    /// The variant of a label ("no-mining-s2" → "no-mining"), or nil without a seed suffix.
    public static func variant(of label: String) -> String? {
        guard let dash = label.lastIndex(of: "-") else { return nil }
        let suffix = label[label.index(after: dash)...]
        guard suffix.count > 1, suffix.first == "s", suffix.dropFirst().allSatisfy(\.isNumber) else { return nil }
        return String(label[..<dash])
    }

    /// Runs grouped by variant, in first-seen order.
    static func groups(_ runs: [(label: String, run: RunContents)]) -> [(variant: String, runs: [RunContents])] {
        var order: [String] = []
        var members: [String: [RunContents]] = [:]
        for (label, run) in runs {
            let v = variant(of: label) ?? label
            if members[v] == nil { order.append(v) }
            members[v, default: []].append(run)
        }
        return order.map { ($0, members[$0]!) }
    }

    public static func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(v.count) }
    /// Sample standard deviation (n − 1); 0 for one value.
    public static func sd(_ v: [Double]) -> Double {
        guard v.count > 1 else { return 0 }
        let m = mean(v)
        return (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)).squareRoot()
    }

    /// Test accuracy during training per variant: mean over seeds at the steps
    /// every seed evaluated, ±1 sd shaded; one panel per prediction mode.
    public static func accuracy(_ runs: [(label: String, run: RunContents)]) -> Figure {
        let modes: [(String, KeyPath<EpochTrace, Accuracies>)] = [
            ("per-sample goodness", \.accuracyPerSample), ("batch goodness", \.accuracyBatch),
        ]
        let grouped = groups(runs)
        let panels = modes.map { mode -> Panel in
            let series = grouped.enumerated().map { k, g -> Series in
                let steps = g.runs.map { r in Set(r.trace.filter { $0[keyPath: mode.1].test.isFinite }.map(\.epoch)) }
                let common = steps.dropFirst().reduce(steps.first ?? []) { $0.intersection($1) }.sorted()
                let values = common.map { e in g.runs.map { r in 100 * r.trace.first { $0.epoch == e }![keyPath: mode.1].test } }
                let m = values.map(mean)
                let s = values.map(sd)
                // Runs of one variant share a configuration but the seed, so one run's step count serves them all.
                let x = g.runs.first.map { r in common.map { e in TraceFigures.progress(r)[r.trace.firstIndex { $0.epoch == e }!] } } ?? []
                return Series(
                    "\(g.variant) (\(g.runs.count) seed\(g.runs.count == 1 ? "" : "s"))", x: x, y: m, color: Palette.color(k),
                    dashed: k >= Palette.colors.count, spread: (zip(m, s).map { $0 - $1 }, zip(m, s).map { $0 + $1 }))
            }
            return Panel(title: "Test accuracy, \(mode.0)", xLabel: TraceFigures.progressLabel, yLabel: "test accuracy (%)", series: series)
        }
        return Figure(
            title: "Test accuracy during training, mean over seeds",
            description: "Mean test accuracy over seeds with one sample standard deviation shaded, for "
                + grouped.map(\.variant).joined(separator: ", ") + ".",
            panels: panels, columns: 2)
    }

    /// Final test accuracy per variant, mean ± sd over seeds, both prediction modes.
    public static func finalAccuracy(_ runs: [(label: String, run: RunContents)]) -> DotChart {
        let grouped = groups(runs)
        func value(_ v: [Double]) -> DotChart.Value { DotChart.Value(mean(v), error: v.count > 1 ? sd(v) : nil) }
        return DotChart(
            title: "Final test accuracy, mean ± sd over seeds",
            description: "Test accuracy at the end of training, mean and sample standard deviation over seeds, per variant.",
            xLabel: "test accuracy (%)", categories: grouped.map { "\($0.variant) (\($0.runs.count))" },
            groups: ["per-sample goodness", "batch goodness"],
            values: grouped.map { g in
                [
                    value(g.runs.map { 100 * ($0.finalPerSample?.test ?? .nan) }),
                    value(g.runs.map { 100 * ($0.finalBatch?.test ?? .nan) }),
                ]
            })
    }

    /// Both figures, by file name.
    public static func all(_ runs: [(label: String, run: RunContents)]) -> [(name: String, svg: String)] {
        [("accuracy-seeds.svg", accuracy(runs).render()), ("final-accuracy-seeds.svg", finalAccuracy(runs).render())]
    }
}
