import Charts
import ForwardForward
import RunStore

/// The figures of a run, each built from its trace alone (no training).
public enum TraceFigures {
    static let xLabel = "step (epoch; greedy runs: layer-epochs across layers)"

    /// The finite (x, y) pairs of a column (evaluation columns are NaN between evaluations).
    static func finite(_ x: [Double], _ y: [Double]) -> (x: [Double], y: [Double]) {
        let pairs = zip(x, y).filter { $0.0.isFinite && $0.1.isFinite }
        return (pairs.map(\.0), pairs.map(\.1))
    }

    static func steps(_ r: RunContents) -> [Double] { r.trace.map { Double($0.epoch) } }

    /// Figures that set runs side by side put them on one axis: the percentage
    /// of each run's steps done, so that a greedy run (layer-epochs across its
    /// layers) and an interleaved one (epochs) both span 0–100.
    public static let progressLabel = "training progress (% of the run's steps)"

    public static func progress(_ r: RunContents) -> [Double] {
        let total = Double(r.config.order == .greedy ? r.config.weightLayerCount * r.config.epochs : r.config.epochs)
        return r.trace.map { 100 * Double($0.epoch) / total }
    }

    /// Train / validation / test accuracy against step, one panel per prediction mode; runs told apart by line style.
    public static func accuracy(_ runs: [(label: String, run: RunContents)]) -> Figure {
        let splits: [(String, WritableKeyPath<Accuracies, Double>)] = [("train", \.train), ("validation", \.validation), ("test", \.test)]
        let modes: [(String, KeyPath<EpochTrace, Accuracies>)] = [
            ("per-sample goodness", \.accuracyPerSample), ("batch goodness", \.accuracyBatch),
        ]
        let panels = modes.map { mode in
            var series: [Series] = []
            for (k, (label, run)) in runs.enumerated() {
                for (s, (split, key)) in splits.enumerated() {
                    let (x, y) = finite(progress(run), run.trace.map { 100 * $0[keyPath: mode.1][keyPath: key] })
                    series.append(Series("\(label) \(split)", x: x, y: y, color: Palette.color(s), dashed: k % 2 == 1))
                }
            }
            return Panel(title: "Accuracy, \(mode.0)", xLabel: progressLabel, yLabel: "accuracy (%)", series: series)
        }
        return Figure(
            title: "Accuracy during training",
            description:
                "Train (fixed subset), validation and test accuracy against training progress for \(runs.map(\.label).joined(separator: " and ")), in both prediction modes.",
            panels: panels, columns: 2)
    }

    /// Mean g⁺ and g⁻ with ±1 sd shading, and θ(l, p), one panel per layer.
    public static func goodness(_ r: RunContents, label: String) -> Figure {
        let x = steps(r)
        let layers = r.config.weightLayerCount
        let panels = (0..<layers).map { l -> Panel in
            func column(_ key: KeyPath<LayerStatistics, Double>) -> [Double] { r.trace.map { $0.layers[l][keyPath: key] } }
            let pm = column(\.goodnessPositiveMean)
            let ps = column(\.goodnessPositiveStd)
            let nm = column(\.goodnessNegativeMean)
            let ns = column(\.goodnessNegativeStd)
            return Panel(
                title: "Layer \(l + 1)", xLabel: xLabel, yLabel: "goodness g",
                series: [
                    Series(
                        "g⁺ (positives) ±1 sd", x: x, y: pm, color: Palette.color(0),
                        spread: (zip(pm, ps).map { $0 - $1 }, zip(pm, ps).map { $0 + $1 })),
                    Series(
                        "g⁻ (negatives) ±1 sd", x: x, y: nm, color: Palette.color(1),
                        spread: (zip(nm, ns).map { $0 - $1 }, zip(nm, ns).map { $0 + $1 })),
                    Series("threshold θ(l, p)", x: x, y: column(\.theta), color: Palette.color(7), dashed: true),
                ])
        }
        return Figure(
            title: "Goodness and threshold per layer — \(label)",
            description:
                "Mean goodness of positives and negatives with one standard deviation shaded, and the threshold θ(l, p), against training step, for each layer of \(label).",
            panels: panels, columns: min(layers, 2))
    }

    /// Curriculum stages as shaded bands, with r(p) and the fractions kept.
    public static func curriculum(_ r: RunContents, label: String) -> Figure {
        let x = steps(r)
        var bands: [Band] = []
        let names = [1: "early stage", 2: "middle stage", 3: "late stage"]
        var start = 0
        for i in r.trace.indices where i == r.trace.count - 1 || r.trace[i + 1].stage != r.trace[i].stage {
            let s = r.trace[i].stage.rawValue
            if let name = names[s] {
                bands.append(Band(from: x[start] - 0.5, to: x[i] + 0.5, label: name, color: Palette.color(3 + s)))
            }
            start = i + 1
        }
        func fraction(_ key: KeyPath<EpochTrace, Int>) -> [Double] {
            r.trace.map { $0.candidates > 0 && $0.stage != .off ? Double($0[keyPath: key]) / Double($0.candidates) : .nan }
        }
        let radius = Panel(
            title: "Band radius r(p)", xLabel: xLabel, yLabel: "r(p)",
            series: [Series("r(p)", x: x, y: r.trace.map(\.bandRadius), color: Palette.color(0))], bands: bands)
        let kept = Panel(
            title: "Negatives kept, as a fraction of the candidates", xLabel: xLabel, yLabel: "fraction of candidates",
            series: [
                Series("from the band", x: x, y: fraction(\.keptFromBand), color: Palette.color(0)),
                Series("from the hard set", x: x, y: fraction(\.keptFromHard), color: Palette.color(1)),
                Series("top-up to 60%", x: x, y: fraction(\.keptFromTopUp), color: Palette.color(2)),
                Series("all kept", x: x, y: fraction(\.negativesUsed), color: Palette.color(7), dashed: true),
            ], bands: bands, yDomain: (0, 1))
        return Figure(
            title: "Curriculum negative mining — \(label)",
            description:
                "The three curriculum stages as shaded bands, the band radius r(p), and the fraction of candidate negatives kept from the band, the hard set and the 60% top-up, against training step, for \(label).",
            panels: [radius, kept], columns: 2)
    }

    public static func learningRate(_ r: RunContents, label: String) -> Figure {
        let x = steps(r)
        var markers: [Marker] = []
        if r.config.learningRateSchedule && r.config.order == .interleaved {
            markers.append(Marker(x: 0.1 * Double(r.config.epochs), label: "end of warm-up"))
        }
        let p = Panel(
            title: "Learning rate", xLabel: xLabel, yLabel: "η",
            series: [
                Series(
                    r.config.learningRateDecay.map { "η (\($0.rawValue))" } ?? "η (eq. 12–13)", x: x, y: r.trace.map(\.learningRate),
                    color: Palette.color(0))
            ],
            markers: markers)
        return Figure(
            title: "Learning-rate schedule — \(label)",
            description: "Adam learning rate against training step for \(label).", panels: [p])
    }

    public static func loss(_ r: RunContents, label: String) -> Figure {
        let x = steps(r)
        let series = (0..<r.config.weightLayerCount).map { l in
            Series("layer \(l + 1)", x: x, y: r.trace.map { $0.layers[l].loss }, color: Palette.color(l))
        }
        // A log axis only when the losses span more than a factor of 20.
        let values = r.trace.flatMap { $0.layers.map(\.loss) }.filter(\.isFinite)
        let wide = (values.min() ?? 0) > 0 && (values.max() ?? 0) / (values.min() ?? 1) > 20
        let p = Panel(title: "Loss per layer", xLabel: xLabel, yLabel: "FF loss", series: series, logY: wide)
        return Figure(
            title: "Loss per layer — \(label)", description: "The FF loss of each layer against training step for \(label).",
            panels: [p])
    }

    /// Final test accuracy of each run in both prediction modes.
    public static func finalAccuracy(_ runs: [(label: String, run: RunContents)]) -> DotChart {
        DotChart(
            title: "Final test accuracy", description: "Test accuracy at the end of training for each run, per-sample and batch goodness.",
            xLabel: "test accuracy (%)", categories: runs.map(\.label), groups: ["per-sample goodness", "batch goodness"],
            values: runs.map { r in
                [DotChart.Value(100 * (r.run.finalPerSample?.test ?? .nan)), DotChart.Value(100 * (r.run.finalBatch?.test ?? .nan))]
            })
    }

    /// Every figure of these runs, by file name; the curriculum only for runs that mine negatives.
    public static func all(_ runs: [(label: String, run: RunContents)]) -> [(name: String, svg: String)] {
        var out: [(String, String)] = [("accuracy.svg", accuracy(runs).render()), ("final-accuracy.svg", finalAccuracy(runs).render())]
        for (label, run) in runs {
            out.append(("\(label)-goodness.svg", goodness(run, label: label).render()))
            if run.config.negativeMining { out.append(("\(label)-curriculum.svg", curriculum(run, label: label).render())) }
            out.append(("\(label)-learning-rate.svg", learningRate(run, label: label).render()))
            out.append(("\(label)-loss.svg", loss(run, label: label).render()))
        }
        return out
    }
}
