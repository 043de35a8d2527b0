import Charts
import Figures
import ForwardForward
import Foundation
import RunStore
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Parses SVG text as XML and returns the document.
func parse(_ svg: String) throws -> XMLDocument { try XMLDocument(data: Data(svg.utf8)) }

/// An attribute's value (FoundationXML's attribute(forName:) misses attributes under a default namespace).
func attr(_ e: XMLElement, _ name: String) -> String? {
    e.attributes?.first { $0.name == name }?.stringValue
}

func elements(_ doc: XMLDocument, _ name: String) throws -> [XMLElement] {
    try doc.nodes(forXPath: "//*[local-name()='\(name)']").compactMap { $0 as? XMLElement }
}

@Suite("SVG charts")
struct ChartsTests {
    @Test("Nice ticks: steps of 1, 2 or 5 × 10ⁿ, domains rounded out to whole steps")
    func niceTicks() {
        let a = NiceScale(low: 0, high: 1500, count: 6)
        #expect(a.step == 500 && a.ticks == [0, 500, 1000, 1500])
        // Range 1.19 over 5 intervals: 0.238, rounded up to 0.5.
        let b = NiceScale(low: 0.31, high: 1.5, count: 6)
        #expect(b.step == 0.5 && b.lower == 0 && b.upper == 1.5)
        #expect(b.ticks == [0, 0.5, 1, 1.5])
        #expect(b.label(0.5) == "0.5")
        let c = NiceScale(low: 0.4, high: 1.1, count: 6)
        #expect(c.step == 0.2 && c.lower == 0.4 && c.upper == 1.2)
        #expect(c.ticks == [0.4, 0.6, 0.8, 1.0, 1.2] && c.label(0.6) == "0.6")
        #expect(NiceScale.niceStep(0.013) == 0.02 && NiceScale.niceStep(7) == 10 && NiceScale.niceStep(3) == 5)
        let log = NiceScale(logLow: 0.03, high: 2)
        #expect(log.ticks == [0.01, 0.1, 1, 10] && log.label(0.01) == "0.01")
        let flat = NiceScale(low: 2, high: 2)
        #expect(flat.lower < 2 && flat.upper > 2)
    }

    let panel = Panel(
        title: "Loss & <stuff>", xLabel: "epoch", yLabel: "loss",
        series: [
            Series("layer 1", x: [1, 2, 3, 4, 5], y: [0.9, 0.7, .nan, 0.5, 0.4], color: Palette.color(0)),
            Series(
                "layer 2", x: [1, 2, 3, 4, 5], y: [1.0, 0.8, 0.7, 0.6, 0.55], color: Palette.color(1), dashed: true,
                spread: ([0.9, 0.7, 0.6, 0.5, 0.5], [1.1, 0.9, 0.8, 0.7, 0.6])),
        ], bands: [Band(from: 1, to: 2.5, label: "early stage", color: Palette.color(4))],
        markers: [Marker(x: 3, label: "end of warm-up")])

    @Test("A known chart parses as XML with its series, ticks, labels, title and description")
    func structure() throws {
        let svg = Figure(title: "Test figure", description: "Two series", panels: [panel]).render()
        let doc = try parse(svg)
        let root = try #require(doc.rootElement())
        #expect(attr(root, "viewBox") == "0 0 460 348")
        #expect(attr(root, "role") == "img")
        #expect(try elements(doc, "title").first?.stringValue == "Test figure")
        #expect(try elements(doc, "desc").first?.stringValue == "Two series")
        let texts = try elements(doc, "text").compactMap(\.stringValue)
        // Escaped on the way out, read back as written.
        #expect(texts.contains("Loss & <stuff>"))
        for label in ["layer 1", "layer 2", "early stage", "end of warm-up", "epoch", "loss"] { #expect(texts.contains(label)) }
        // x ticks 1…5 by 1; y ticks 0.4…1.2 by 0.2.
        for tick in ["1", "2", "3", "4", "5", "0.4", "0.6", "0.8", "1.0", "1.2"] { #expect(texts.contains(tick), "missing tick \(tick)") }
        // Layer 1 is broken at its NaN: two polylines; layer 2 is one, dashed, over a shaded spread.
        let lines = try elements(doc, "polyline")
        #expect(lines.filter { attr($0, "stroke") == Palette.color(0) }.count == 2)
        let dashed = lines.filter { attr($0, "stroke-dasharray") != nil }
        #expect(dashed.count == 1 && attr(dashed[0], "points")?.split(separator: " ").count == 5)
        #expect(try elements(doc, "polygon").count == 1)
    }

    @Test("Regenerating from the same data gives the same bytes")
    func byteIdentical() {
        let a = Figure(title: "t", description: "d", panels: [panel, panel], columns: 2).render()
        let b = Figure(title: "t", description: "d", panels: [panel, panel], columns: 2).render()
        #expect(a == b)
        // Fixed-point numbers only: no exponents, no NaN or infinity.
        #expect(a.range(of: "[\" ,][-0-9.]+e[-+]?[0-9]", options: .regularExpression) == nil)
        #expect(!a.lowercased().contains("nan") && !a.lowercased().contains("inf"))
    }

    @Test("Empty and all-NaN series draw a 'no data' note instead of failing")
    func noData() throws {
        let empty = Panel(
            title: "Nothing", xLabel: "x", yLabel: "y",
            series: [
                Series("a", x: [], y: [], color: "#000"), Series("b", x: [1, 2], y: [.nan, .nan], color: "#111"),
            ])
        let doc = try parse(Figure(title: "e", description: "e", panels: [empty]).render())
        #expect(try elements(doc, "text").compactMap(\.stringValue).contains("no data"))
        let dots = try parse(
            DotChart(
                title: "d", description: "d", xLabel: "x", categories: ["a"], groups: ["g"],
                values: [[.init(.nan)]]
            ).render())
        #expect(try elements(dots, "text").compactMap(\.stringValue).contains("no data"))
    }

    @Test("Every figure of a run's trace renders, parses and names its series")
    func traceFigures() throws {
        var trace: [EpochTrace] = []
        for e in 1...20 {
            let p = Double(e) / 20
            let (stage, r) = NegativeMining.stage(progress: p)
            var layers: [LayerStatistics] = []
            for l in 0..<2 {
                var s = LayerStatistics()
                s.loss = 1 / Double(e + l)
                s.theta = 2 * (1 + 0.3 * p)
                s.goodnessPositiveMean = Double(e) / 5
                s.goodnessPositiveStd = 0.1
                s.goodnessNegativeMean = 1
                s.goodnessNegativeStd = 0.2
                layers.append(s)
            }
            var t = EpochTrace(
                epoch: e, layerEpoch: e, trainingLayer: 0, learningRate: 0.01 * p, progress: p, stage: stage,
                bandRadius: r, candidates: 100, keptFromBand: 50, keptFromHard: 5, keptFromTopUp: 5,
                negativesUsed: 60, layers: layers)
            if e % 5 == 0 {
                t.accuracyPerSample = Accuracies(train: 0.5, validation: 0.4 + Double(e) / 100, test: 0.45)
                t.accuracyBatch = Accuracies(train: 0.5, validation: 0.3 + Double(e) / 100, test: 0.35)
            }
            trace.append(t)
        }
        var config = FFConfiguration.amsga(.mnist)
        config.layerSizes = [784, 10, 10]
        config.epochs = 20
        let run = RunContents(
            config: config, run: config.name, trace: trace, checkpoint: nil,
            finalPerSample: Accuracies(train: 0.5, validation: 0.6, test: 0.55), finalBatch: nil, attributes: [:])
        var greedyConfig = FFConfiguration.baseline(.mnist)
        greedyConfig.layerSizes = [784, 10, 10]
        greedyConfig.epochs = 10  // two layers of 10 layer-epochs: the same 20 steps
        let greedy = RunContents(
            config: greedyConfig, run: greedyConfig.name, trace: trace, checkpoint: nil,
            finalPerSample: Accuracies(train: 0.5, validation: 0.6, test: 0.55), finalBatch: nil, attributes: [:])
        let figures = TraceFigures.all([("amsga", run), ("baseline", greedy)])
        // No empty panels: a run that mines no negatives has no curriculum figure.
        #expect(figures.map(\.name).contains("amsga-curriculum.svg"))
        #expect(!figures.map(\.name).contains("baseline-curriculum.svg"))
        #expect(figures.allSatisfy { !$0.svg.contains("no data") })
        // Runs side by side share the progress axis, 0–100% of each run's steps.
        let progress = TraceFigures.progress(greedy)
        #expect(progress.first == 5 && progress.last == 100)
        for (name, svg) in figures {
            let doc = try parse(svg)
            #expect(try !elements(doc, "text").isEmpty, "\(name) has no text")
        }
        let curriculum = try parse(figures.first { $0.name == "amsga-curriculum.svg" }!.svg)
        let texts = try elements(curriculum, "text").compactMap(\.stringValue)
        for s in ["early stage", "middle stage", "late stage", "from the band", "top-up to 60%"] { #expect(texts.contains(s)) }
        // Accuracy is measured every 5 steps: the validation line joins those 4 points.
        let accuracy = try parse(figures[0].svg)
        let lines = try elements(accuracy, "polyline").compactMap { attr($0, "points") }
        #expect(lines.contains { $0.split(separator: " ").count == 4 })
    }
}

@Suite("Figures over seeds")
struct SeedFigureTests {
    @Test("labels <variant>-s<seed> group by variant; others stand alone")
    func variants() {
        #expect(SeedFigures.variant(of: "no-mining-s2") == "no-mining")
        #expect(SeedFigures.variant(of: "amsga-s10") == "amsga")
        #expect(SeedFigures.variant(of: "amsga") == nil)
        #expect(SeedFigures.variant(of: "amsga-s") == nil)
        #expect(SeedFigures.variant(of: "amsga-sx1") == nil)
    }

    @Test("mean and sample standard deviation")
    func statistics() {
        #expect(SeedFigures.mean([1, 2, 3, 6]) == 3)
        #expect(abs(SeedFigures.sd([1, 2, 3, 6]) - (14.0 / 3).squareRoot()) < 1e-12)
        #expect(SeedFigures.sd([5]) == 0)
    }

    @Test("one series and one row per variant, drawn at the steps every seed evaluated")
    func render() throws {
        func run(_ accuracies: [Int: Double], final: Double) -> RunContents {
            var config = FFConfiguration.amsga(.mnist)
            config.layerSizes = [784, 10]
            config.epochs = 6
            let trace = (1...6).map { e -> EpochTrace in
                var t = EpochTrace(
                    epoch: e, layerEpoch: e, trainingLayer: 0, learningRate: 0.01, progress: Double(e) / 6, stage: .off,
                    bandRadius: 0, candidates: 1, keptFromBand: 1, keptFromHard: 0, keptFromTopUp: 0,
                    negativesUsed: 1, layers: [LayerStatistics()])
                if let a = accuracies[e] { t.accuracyPerSample = Accuracies(train: a, validation: a, test: a) }
                return t
            }
            return RunContents(
                config: config, run: config.name, trace: trace, checkpoint: nil,
                finalPerSample: Accuracies(train: final, validation: final, test: final), finalBatch: nil, attributes: [:])
        }
        let runs = [
            ("a-s0", run([3: 0.5, 6: 0.7], final: 0.7)), ("a-s1", run([3: 0.6, 6: 0.9, 5: 0.1], final: 0.9)),
            ("b-s0", run([6: 0.2], final: 0.2)),
        ]
        let figures = SeedFigures.all(runs)
        #expect(figures.map(\.name) == ["accuracy-seeds.svg", "final-accuracy-seeds.svg"])
        let texts = try elements(try parse(figures[0].svg), "text").compactMap(\.stringValue)
        #expect(texts.contains("a (2 seeds)") && texts.contains("b (1 seed)"))
        // Variant a: steps 3 and 6 are common to both seeds (step 5 is not): a 2-point line.
        let lines = try elements(try parse(figures[0].svg), "polyline").compactMap { attr($0, "points") }
        #expect(lines.contains { $0.split(separator: " ").count == 2 })
        let dots = try elements(try parse(figures[1].svg), "text").compactMap(\.stringValue)
        #expect(dots.contains("a (2)") && dots.contains("b (1)"))
    }
}
