/// The goodness threshold θ of each layer at training progress p.
public struct ThresholdSchedule: Sendable {
    public var theta0: Double
    public var adaptive: Bool
    public var layerCount: Int
    public var depthMeasure: FFConfiguration.DepthMeasure

    public init(theta0: Double, adaptive: Bool, layerCount: Int, depthMeasure: FFConfiguration.DepthMeasure = .relative) {
        self.theta0 = theta0
        self.adaptive = adaptive
        self.layerCount = layerCount
        self.depthMeasure = depthMeasure
    }

    // eq. 11: θ(l, p) = θ0 (1 + 0.15 d_l)(1 + 0.3 p), d_l as `depthMeasure` reads l/L
    public func theta(layer l: Int, progress p: Double) -> Double {
        guard adaptive else { return theta0 }
        return theta0 * (1 + 0.15 * depthMeasure.depth(layer: l, of: layerCount)) * (1 + 0.3 * p)
    }
}
