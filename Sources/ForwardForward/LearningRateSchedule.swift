import Foundation

/// Warm-up then cosine annealing, epoch e counted from 1 (eq. 12–13; docs/reading.md),
/// or, where `decay` is set, that decay of a constant η0 instead.
public struct LearningRateSchedule: Sendable {
    public var eta0: Double
    public var epochs: Int
    public var enabled: Bool
    public var decay: FFConfiguration.LearningRateDecay?

    public init(eta0: Double, epochs: Int, enabled: Bool, decay: FFConfiguration.LearningRateDecay? = nil) {
        self.eta0 = eta0
        self.epochs = epochs
        self.enabled = enabled
        self.decay = decay
    }

    public var etaMin: Double { 0.1 * eta0 }
    /// W = 0.1 E warm-up epochs (not rounded).
    public var warmup: Double { 0.1 * Double(epochs) }

    public func rate(epoch e: Int) -> Double {
        if decay == .linearSecondHalf {
            // Hinton's ffcode: epsgain = 1 while e ≤ E/2, then (1 + 2(E − e))/E.
            return 2 * e <= epochs ? eta0 : eta0 * Double(1 + 2 * (epochs - e)) / Double(epochs)
        }
        guard enabled else { return eta0 }
        let e = Double(e)
        // eq. 12: η = η0 · e / (0.1 E)
        if e <= warmup { return eta0 * e / warmup }
        // eq. 13: η = η_min + ½(η0 − η_min)(1 + cos(π (e − 0.1E) / 0.9E))
        return etaMin + 0.5 * (eta0 - etaMin) * (1 + cos(Double.pi * (e - warmup) / (0.9 * Double(epochs))))
    }
}
