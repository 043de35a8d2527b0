/// A panel's plotting rectangle and its two scales, from the panel's finite
/// data: where a data point lands, and the drawing of everything inside.
struct PlotArea {
    let left: Double
    let right: Double
    let top: Double
    let bottom: Double
    let xScale: NiceScale
    let yScale: NiceScale

    /// Nil when the panel has no finite point to scale to (none above 0 on a log axis).
    init?(_ p: Panel, left: Double, right: Double, top: Double, bottom: Double) {
        var xs: [Double] = []
        var ys: [Double] = []
        for s in p.series {
            for (x, y) in zip(s.x, s.y) where x.isFinite && y.isFinite && (!p.logY || y > 0) {
                xs.append(x)
                ys.append(y)
            }
            if let sp = s.spread {
                for v in sp.lower + sp.upper where v.isFinite && (!p.logY || v > 0) { ys.append(v) }
            }
        }
        guard let xmin = xs.min(), let xmax = xs.max(), let ymin = ys.min(), let ymax = ys.max() else { return nil }
        (self.left, self.right, self.top, self.bottom) = (left, right, top, bottom)
        xScale = NiceScale(low: xmin, high: xmax, count: 6)
        yScale =
            p.logY
            ? NiceScale(logLow: ymin, high: ymax)
            : p.yDomain.map { NiceScale(low: $0.0, high: $0.1, count: 6) } ?? NiceScale(low: ymin, high: ymax, count: 6)
    }

    func px(_ x: Double) -> Double { left + xScale.fraction(x) * (right - left) }
    func py(_ y: Double) -> Double { bottom - yScale.fraction(y) * (bottom - top) }

    /// Shaded spans of x, clipped to the axis.
    func drawBands(_ bands: [Band], into svg: inout SVG) {
        for b in bands {
            let from = px(max(b.from, xScale.lower))
            svg.rect(from, top, max(0, px(min(b.to, xScale.upper)) - from), bottom - top, fill: b.color, opacity: 0.15)
        }
    }

    /// Gridlines, tick labels, the frame and the axis titles (the y title at `labelX`).
    func drawAxes(_ p: Panel, labelX: Double, into svg: inout SVG) {
        for t in yScale.ticks {
            svg.line(left, py(t), right, py(t), stroke: "#e3e3e3")
            svg.text(yScale.label(t), left - 6, py(t) + 4, size: 11, anchor: .end)
        }
        for t in xScale.ticks {
            svg.line(px(t), top, px(t), bottom, stroke: "#efefef")
            svg.text(xScale.label(t), px(t), bottom + 16, size: 11, anchor: .middle)
        }
        svg.rect(left, top, right - left, bottom - top, fill: "none", stroke: "#888")
        svg.text(p.xLabel, (left + right) / 2, bottom + 34, size: 12, anchor: .middle)
        svg.text(p.yLabel, labelX, (top + bottom) / 2, size: 12, anchor: .middle, rotate: -90)
    }

    /// Dashed vertical lines at the markers inside the axis, with their labels.
    func drawMarkers(_ markers: [Marker], into svg: inout SVG) {
        for m in markers where m.x >= xScale.lower && m.x <= xScale.upper {
            svg.line(px(m.x), top, px(m.x), bottom, stroke: "#555", width: 1, dash: "3 3")
            svg.text(m.label, px(m.x) + 4, top + 12, size: 10, fill: "#444")
        }
    }

    /// Each series' spread, then its line: one polyline per run of finite
    /// points, a dot for a run of one.
    func drawSeries(_ p: Panel, into svg: inout SVG) {
        for s in p.series {
            if let sp = s.spread {
                for seg in Figure.segments(s.x, sp.lower, sp.upper, log: p.logY) where seg.count > 1 {
                    let upper = seg.map { (px($0.0), py($0.2)) }
                    let lower = seg.reversed().map { (px($0.0), py($0.1)) }
                    svg.polygon(upper + lower, fill: s.color, opacity: 0.18)
                }
            }
            for seg in Figure.segments(s.x, s.y, s.y, log: p.logY) {
                if seg.count == 1 {
                    svg.circle(px(seg[0].0), py(seg[0].1), r: 2.5, fill: s.color)
                } else {
                    svg.polyline(seg.map { (px($0.0), py($0.1)) }, stroke: s.color, width: 1.8, dash: s.dashed ? "5 3" : nil)
                }
            }
        }
    }
}
