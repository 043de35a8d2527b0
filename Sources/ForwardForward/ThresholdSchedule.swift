/// The goodness threshold θ of each layer at training progress p.
public struct ThresholdSchedule: Sendable {
    public var theta0: Double
    public var adaptive: Bool
    public var layerCount: Int

    public init(theta0: Double, adaptive: Bool, layerCount: Int) {
        self.theta0 = theta0
        self.adaptive = adaptive
        self.layerCount = layerCount
    }

    /// Relative depth d_l = (l−1)/(L−1) of layer l (1-based): 0 first, 1 last, 0 when L = 1.
    public static func depth(layer l: Int, of count: Int) -> Double {
        count > 1 ? Double(l - 1) / Double(count - 1) : 0
    }

    // eq. 11: θ(l, p) = θ0 (1 + 0.15 d_l)(1 + 0.3 p)
    public func theta(layer l: Int, progress p: Double) -> Double {
        guard adaptive else { return theta0 }
        return theta0 * (1 + 0.15 * Self.depth(layer: l, of: layerCount)) * (1 + 0.3 * p)
    }
}
