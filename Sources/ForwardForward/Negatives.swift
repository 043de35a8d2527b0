import Tensor

/// Labels for candidate negatives (docs/reading.md): a permutation of the true labels.
enum NegativeLabels {
    static func draw(_ labels: [UInt8], kind: FFConfiguration.NegativeLabels,
                     rng: inout Xoshiro256StarStar) -> [Int] {
        let perm = rng.permutation(labels.count)
        var out = perm.map { Int(labels[$0]) }
        if kind == .shuffledExcludingTrue {
            for i in out.indices where out[i] == Int(labels[i]) {
                // One of the nine other classes, uniformly.
                out[i] = (Int(labels[i]) + 1 + Int(rng.bounded(9))) % 10
            }
        }
        return out
    }
}
