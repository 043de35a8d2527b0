import Foundation

/// Axis ticks at 1, 2 or 5 × 10ⁿ, with the domain rounded out to whole steps
/// (Heckbert's "nice numbers").
public struct NiceScale: Equatable, Sendable {
    public var lower: Double
    public var upper: Double
    public var step: Double
    public var ticks: [Double]
    public var logarithmic: Bool

    /// A linear scale covering `low…high` with about `count` ticks.
    public init(low: Double, high: Double, count: Int = 6) {
        var lo = low
        var hi = high
        if !(lo.isFinite && hi.isFinite) { (lo, hi) = (0, 1) }
        if lo == hi { (lo, hi) = lo == 0 ? (0, 1) : (lo - abs(lo) * 0.5, hi + abs(hi) * 0.5) }
        let step = Self.niceStep((hi - lo) / Double(max(count - 1, 1)))
        // A tolerance keeps 1.1/0.2 = 5.500…01 from adding an empty step, and 1.0/0.2 = 5.000…01 too.
        let lower = Self.clean((lo / step + 1e-9).rounded(.down) * step, step: step)
        let upper = Self.clean((hi / step - 1e-9).rounded(.up) * step, step: step)
        self.lower = lower
        self.upper = upper
        self.step = step
        let n = Int(((upper - lower) / step).rounded())
        ticks = (0...n).map { Self.clean(lower + Double($0) * step, step: step) }
        logarithmic = false
    }

    /// A log₁₀ scale from the power of ten below `low` to the one above `high` (both > 0).
    public init(logLow low: Double, high: Double) {
        let lo = floor(log10(max(low, .leastNormalMagnitude)))
        let hi = max(ceil(log10(max(high, .leastNormalMagnitude))), lo + 1)
        lower = pow(10, lo)
        upper = pow(10, hi)
        step = 1
        ticks = stride(from: lo, through: hi, by: 1).map { pow(10, $0) }
        logarithmic = true
    }

    /// 1, 2 or 5 × 10ⁿ, the smallest not below `raw`.
    public static func niceStep(_ raw: Double) -> Double {
        guard raw > 0 && raw.isFinite else { return 1 }
        let magnitude = pow(10, floor(log10(raw)))
        let f = raw / magnitude
        let nice: Double = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10
        return nice * magnitude
    }

    /// Removes floating-point noise from a tick (0.30000000000000004 → 0.3).
    static func clean(_ v: Double, step: Double) -> Double {
        let decimals = max(0, -Int(floor(log10(step))) + 1)
        let scale = pow(10, Double(min(decimals, 12)))
        return (v * scale).rounded() / scale
    }

    /// Position of v in 0…1 along the scale.
    public func fraction(_ v: Double) -> Double {
        if logarithmic { return (log10(v) - log10(lower)) / (log10(upper) - log10(lower)) }
        return (v - lower) / (upper - lower)
    }

    /// Tick text with just enough decimals for the step.
    public func label(_ v: Double) -> String {
        if logarithmic {
            let e = Int(log10(v).rounded())
            return (-3...3).contains(e) ? SVGNumber.format(v, decimals: max(0, -e)) : "1e\(e)"
        }
        return SVGNumber.format(v, decimals: max(0, -Int(floor(log10(step)))))
    }
}

/// Number formatting fixed once, so that the same data gives the same bytes.
public enum SVGNumber {
    public static func format(_ v: Double, decimals: Int) -> String {
        var s = String(format: "%.\(decimals)f", v)
        if s.hasPrefix("-") && Double(s) == 0 { s.removeFirst() }
        return s
    }

    /// Coordinates: two decimals, trailing zeros dropped.
    public static func coordinate(_ v: Double) -> String {
        var s = format(v, decimals: 2)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s
    }
}
