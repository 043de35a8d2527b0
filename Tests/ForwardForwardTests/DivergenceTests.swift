import Datasets
import ForwardForward
import Testing

@Suite("Divergence")
struct DivergenceTests {
    @Test(
        "A learning rate that blows the weights up stops training at the step where the loss becomes infinite, naming it and the layer",
        arguments: ["baseline-mnist", "amsga-mnist"])
    func stops(preset: String) throws {
        var config = small(try .preset(preset), sizes: [784, 20, 20], epochs: 10)
        config.learningRate = 1e20
        config.learningRateSchedule = false
        let trainer = try FFTrainer(config: config, data: try syntheticSplit())
        var seen: [EpochTrace] = []
        let e = #expect(throws: DivergenceError.self) { try trainer.train(onStep: { seen.append($0) }) }
        let error = try #require(e)
        #expect(error.step == seen.count && error.step < 10 && error.layer == 1, "\(error)")
        #expect(!error.value.isFinite && error.description.contains("diverged at step \(error.step), layer 1"))
        #expect(seen.dropLast().allSatisfy { $0.layers[0].loss.isFinite })
        #expect(!trainer.finished)
    }

    @Test("An ordinary run is not stopped")
    func ordinary() throws {
        let trainer = try FFTrainer(config: small(try .preset("amsga-mnist"), sizes: [784, 20, 20], epochs: 6), data: try syntheticSplit())
        try trainer.train()
        #expect(trainer.finished)
    }
}
