/// Final numbers compared across runs: one row per category, one dot per
/// group (e.g. prediction mode), with optional ± error bars (seed spread).
public struct DotChart: Sendable {
    public struct Value: Sendable {
        public var mean: Double
        public var error: Double?
        public init(_ mean: Double, error: Double? = nil) {
            self.mean = mean
            self.error = error
        }
    }

    public var title: String
    public var description: String
    public var xLabel: String
    public var categories: [String]
    public var groups: [String]
    /// values[category][group]; NaN for missing.
    public var values: [[Value]]

    public init(title: String, description: String, xLabel: String, categories: [String], groups: [String], values: [[Value]]) {
        self.title = title
        self.description = description
        self.xLabel = xLabel
        self.categories = categories
        self.groups = groups
        self.values = values
    }

    public func render() -> String {
        let labelWidth = min(260, max(80, (categories.map { Figure.textWidth($0, size: 12) }.max() ?? 60) + 16))
        let width = 520 + labelWidth
        let rowH = 26.0
        let top = 62.0
        let plotH = max(rowH, Double(categories.count) * rowH)
        var svg = SVG(width: width, height: top + plotH + 50)
        svg.text(title, width / 2, 20, size: 15, anchor: .middle, weight: "bold")
        var lx = labelWidth
        for (g, name) in groups.enumerated() {
            svg.circle(lx + 5, 42, r: 5, fill: Palette.color(g))
            svg.text(name, lx + 14, 46, size: 11)
            lx += 30 + Figure.textWidth(name, size: 11)
        }
        let finite = values.flatMap { $0 }.flatMap { v in [v.mean - (v.error ?? 0), v.mean + (v.error ?? 0)] }.filter(\.isFinite)
        let left = labelWidth
        let right = width - 20
        let bottom = top + plotH
        guard let lo = finite.min(), let hi = finite.max() else {
            svg.text("no data", (left + right) / 2, top + plotH / 2, size: 13, anchor: .middle, fill: "#777")
            return svg.render(title: title, description: description)
        }
        // 3% padding keeps the extreme dots off the frame.
        let pad = max((hi - lo) * 0.03, abs(hi) * 1e-3, 1e-9)
        let scale = NiceScale(low: lo - pad, high: hi + pad, count: 6)
        func px(_ v: Double) -> Double { left + scale.fraction(v) * (right - left) }
        for t in scale.ticks {
            svg.line(px(t), top, px(t), bottom, stroke: "#e3e3e3")
            svg.text(scale.label(t), px(t), bottom + 16, size: 11, anchor: .middle)
        }
        svg.rect(left, top, right - left, plotH, fill: "none", stroke: "#888")
        svg.text(xLabel, (left + right) / 2, bottom + 36, size: 12, anchor: .middle)
        for (r, name) in categories.enumerated() {
            let y = top + (Double(r) + 0.5) * rowH
            svg.text(name, left - 8, y + 4, size: 12, anchor: .end)
            for (g, v) in values[r].enumerated() where v.mean.isFinite {
                let dy = (Double(g) - Double(groups.count - 1) / 2) * 6
                if let e = v.error, e.isFinite {
                    svg.line(px(v.mean - e), y + dy, px(v.mean + e), y + dy, stroke: Palette.color(g), width: 1.5)
                }
                svg.circle(px(v.mean), y + dy, r: 4.5, fill: Palette.color(g))
            }
        }
        return svg.render(title: title, description: description)
    }
}
