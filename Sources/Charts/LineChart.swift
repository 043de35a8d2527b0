import Foundation

/// Okabe & Ito's colour-blind-safe palette (black last).
public enum Palette {
    public static let colors = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
    public static func color(_ i: Int) -> String { colors[((i % colors.count) + colors.count) % colors.count] }
}

/// One line: y against x; NaN values break it into segments. An optional
/// spread (lower, upper) is drawn as a shaded area behind it.
public struct Series: Sendable {
    public var name: String
    public var x: [Double]
    public var y: [Double]
    public var color: String
    public var dashed: Bool
    public var spread: (lower: [Double], upper: [Double])?

    public init(
        _ name: String, x: [Double], y: [Double], color: String, dashed: Bool = false,
        spread: (lower: [Double], upper: [Double])? = nil
    ) {
        self.name = name
        self.x = x
        self.y = y
        self.color = color
        self.dashed = dashed
        self.spread = spread
    }
}

/// A shaded vertical band over x₀…x₁ (a curriculum stage) with a label.
public struct Band: Sendable {
    public var from: Double, to: Double, label: String, color: String
    public init(from: Double, to: Double, label: String, color: String) {
        self.from = from
        self.to = to
        self.label = label
        self.color = color
    }
}

/// A vertical line at x (an event such as the end of warm-up).
public struct Marker: Sendable {
    public var x: Double, label: String
    public init(x: Double, label: String) {
        self.x = x
        self.label = label
    }
}

public struct Panel: Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var bands: [Band] = []
    public var markers: [Marker] = []
    public var logY = false
    /// Fixed y domain (for fractions, accuracies); nil to fit the data.
    public var yDomain: (Double, Double)?

    public init(
        title: String, xLabel: String, yLabel: String, series: [Series], bands: [Band] = [],
        markers: [Marker] = [], logY: Bool = false, yDomain: (Double, Double)? = nil
    ) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.bands = bands
        self.markers = markers
        self.logY = logY
        self.yDomain = yDomain
    }
}

/// Several panels in a grid, rendered to one SVG.
public struct Figure: Sendable {
    public var title: String
    public var description: String
    public var panels: [Panel]
    public var columns: Int
    public var panelWidth: Double = 460
    public var panelHeight: Double = 300

    public init(title: String, description: String, panels: [Panel], columns: Int = 1) {
        self.title = title
        self.description = description
        self.panels = panels
        self.columns = max(1, columns)
    }

    static let margin = (left: 64.0, right: 16.0, top: 8.0, bottom: 46.0)
    static let titleHeight = 22.0, legendRow = 18.0, figureTitle = 30.0

    /// Approximate width of a text in the chart font (for legend layout).
    static func textWidth(_ s: String, size: Double) -> Double { Double(s.count) * size * 0.6 }

    /// Legend rows of a panel: items wrapped to the panel's width.
    func legendRows(_ p: Panel) -> [[(String, String, Bool)]] {
        var items = p.series.map { ($0.name, $0.color, $0.dashed) }
        items += p.bands.map { ($0.label, $0.color, false) }
        var rows: [[(String, String, Bool)]] = [[]]
        var width = 0.0
        for item in items {
            let w = 28 + Self.textWidth(item.0, size: 11) + 14
            if width + w > panelWidth - Self.margin.left - Self.margin.right, !rows[rows.count - 1].isEmpty {
                rows.append([])
                width = 0
            }
            rows[rows.count - 1].append(item)
            width += w
        }
        return rows.filter { !$0.isEmpty }
    }

    func panelHeightWithLegend(_ p: Panel) -> Double { panelHeight + Double(legendRows(p).count) * Self.legendRow }

    public func render() -> String {
        let rows = (panels.count + columns - 1) / columns
        var rowHeights: [Double] = []
        for r in 0..<rows {
            let inRow = panels[(r * columns)..<min(panels.count, (r + 1) * columns)]
            rowHeights.append(inRow.map(panelHeightWithLegend).max() ?? panelHeight)
        }
        let width = Double(min(columns, max(panels.count, 1))) * panelWidth
        var svg = SVG(width: width, height: Self.figureTitle + rowHeights.reduce(0, +))
        svg.text(title, width / 2, 20, size: 15, anchor: .middle, weight: "bold")
        var y0 = Self.figureTitle
        for r in 0..<rows {
            for c in 0..<columns {
                let i = r * columns + c
                guard i < panels.count else { break }
                draw(panels[i], into: &svg, x0: Double(c) * panelWidth, y0: y0)
            }
            y0 += rowHeights[r]
        }
        return svg.render(title: title, description: description)
    }

    func draw(_ p: Panel, into svg: inout SVG, x0: Double, y0: Double) {
        let legend = legendRows(p)
        let left = x0 + Self.margin.left
        let right = x0 + panelWidth - Self.margin.right
        let top = y0 + Self.titleHeight + Double(legend.count) * Self.legendRow + Self.margin.top
        let bottom = y0 + panelHeightWithLegend(p) - Self.margin.bottom
        svg.text(p.title, (left + right) / 2, y0 + 15, size: 13, anchor: .middle, weight: "bold")
        drawLegend(legend, of: p, into: &svg, left: left, y0: y0)
        guard let area = PlotArea(p, left: left, right: right, top: top, bottom: bottom) else {
            svg.rect(left, top, right - left, bottom - top, fill: "none", stroke: "#999")
            svg.text("no data", (left + right) / 2, (top + bottom) / 2, size: 13, anchor: .middle, fill: "#777")
            return
        }
        area.drawBands(p.bands, into: &svg)
        area.drawAxes(p, labelX: x0 + 16, into: &svg)
        area.drawMarkers(p.markers, into: &svg)
        area.drawSeries(p, into: &svg)
    }

    /// Each legend item: a short line (or, for a band, a swatch) and its name.
    func drawLegend(_ legend: [[(String, String, Bool)]], of p: Panel, into svg: inout SVG, left: Double, y0: Double) {
        for (k, row) in legend.enumerated() {
            var x = left
            let y = y0 + Self.titleHeight + Double(k) * Self.legendRow + 10
            for (name, color, dashed) in row {
                if p.bands.contains(where: { $0.label == name && $0.color == color }) {
                    svg.rect(x, y - 6, 20, 10, fill: color, opacity: 0.25)
                } else {
                    svg.line(x, y - 1, x + 20, y - 1, stroke: color, width: 2.5, dash: dashed ? "5 3" : nil)
                }
                svg.text(name, x + 26, y + 3, size: 11)
                x += 28 + Self.textWidth(name, size: 11) + 14
            }
        }
    }

    /// Runs of consecutive finite points (x, a, b).
    static func segments(_ x: [Double], _ a: [Double], _ b: [Double], log: Bool) -> [[(Double, Double, Double)]] {
        var out: [[(Double, Double, Double)]] = []
        var cur: [(Double, Double, Double)] = []
        for i in 0..<min(x.count, a.count, b.count) {
            let ok = x[i].isFinite && a[i].isFinite && b[i].isFinite && (!log || (a[i] > 0 && b[i] > 0))
            if ok {
                cur.append((x[i], a[i], b[i]))
            } else if !cur.isEmpty {
                out.append(cur)
                cur = []
            }
        }
        if !cur.isEmpty { out.append(cur) }
        return out
    }
}
