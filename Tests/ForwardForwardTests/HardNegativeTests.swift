import Datasets
import ForwardForward
import Foundation
import Tensor
import Testing

@Suite("Hard negatives from predictions")
struct HardNegativeTests {
    @Test("Predicted negatives train deterministically; greedy training or fixed negatives refuse them")
    func predicted() throws {
        let data = try syntheticSplit()
        var config = small(try .preset("hinton-text-mnist"), sizes: [784, 24, 16], epochs: 3)
        config.negativeLabels = .predicted
        let a = try FFTrainer(config: config, data: data)
        let b = try FFTrainer(config: config, data: data)
        try a.train()
        try b.train()
        #expect(a.layers.map { $0.parameters.map(\.bitPattern) } == b.layers.map { $0.parameters.map(\.bitPattern) })
        var greedy = config
        greedy.order = .greedy
        greedy.negativeRefresh = .once
        #expect((#expect(throws: ConfigurationError.self) { try FFTrainer(config: greedy, data: data) })?.parameter == "negativeLabels")
    }

    @Test("A hard label is a wrong label drawn ∝ exp(score): never the true one, nearly always the one scored far above the rest")
    func drawing() {
        var rng = Xoshiro256StarStar(seed: 4)
        let rows = 2000
        let labels = (0..<rows).map { UInt8($0 % 10) }
        // Every row scores label (y + 3) mod 10 ten above the others, and its true label higher still.
        var scores = [Double](repeating: 0, count: rows * 10)
        for i in 0..<rows {
            scores[i * 10 + Int(labels[i])] = 50
            scores[i * 10 + (Int(labels[i]) + 3) % 10] = 10
        }
        let drawn = NegativeLabels.hard(scores: scores, labels: labels, rng: &rng)
        #expect(zip(drawn, labels).allSatisfy { $0 != Int($1) })
        let favoured = zip(drawn, labels).filter { $0 == (Int($1) + 3) % 10 }.count
        #expect(favoured > rows * 99 / 100, "\(favoured) of \(rows)")
        // Equal scores: the eight other wrong labels come up too.
        let flat = NegativeLabels.hard(scores: [Double](repeating: 1, count: rows * 10), labels: labels, rng: &rng)
        #expect(Set(flat).count == 10 && zip(flat, labels).allSatisfy { $0 != Int($1) })
    }

    @Test("The draw's scale β: a lead of 0.005 in score is noise at β = 1 and decisive at β = 2000; β = 1 draws as before")
    func drawingScale() {
        let rows = 2000
        let labels = (0..<rows).map { UInt8($0 % 10) }
        var scores = [Double](repeating: 3, count: rows * 10)
        for i in 0..<rows { scores[i * 10 + (Int(labels[i]) + 3) % 10] = 3.005 }
        func favoured(_ beta: Double?) -> (Int, [Int]) {
            var rng = Xoshiro256StarStar(seed: 5)
            let drawn =
                beta.map { NegativeLabels.hard(scores: scores, labels: labels, scale: $0, rng: &rng) }
                ?? NegativeLabels.hard(scores: scores, labels: labels, rng: &rng)
            return (zip(drawn, labels).filter { $0 == (Int($1) + 3) % 10 }.count, drawn)
        }
        // exp(0.005) / (8 + exp(0.005)) ≈ 0.112 of rows at β = 1; exp(10) / (8 + exp(10)) ≈ 0.9996 at β = 2000.
        #expect(favoured(1).0 < rows * 15 / 100)
        #expect(favoured(2000).0 > rows * 99 / 100)
        #expect(favoured(nil).1 == favoured(1).1)
    }
}
