import Backprop
import Datasets
import Foundation
import Tensor
import Testing

@Suite("Backpropagation MLP (Tables III–IV context)")
struct BackpropTests {
    @Test("hand-written backward pass agrees with central differences in Double")
    func gradient() {
        var model = MLP<Double>(sizes: [6, 5, 4, 3], seed: 3)
        // Biases away from the init so that some ReLUs are off and some on.
        for l in 0..<model.layerCount { for j in model.biases[l].indices { model.biases[l][j] = 0.2 * Double(j % 3) - 0.2 } }
        var rng = Xoshiro256StarStar(seed: 4)
        var x = Matrix<Double>(rows: 7, cols: 6)
        x.storage.withUnsafeMutableBufferPointer { rng.fillUniform($0, low: -1, high: 1) }
        let labels = [0, 2, 1, 1, 0, 2, 2]
        let (_, dW, db) = model.lossAndLayerGradients(x, labels: labels)
        let h = 1e-6
        for l in 0..<model.layerCount {
            var numericW = [Double]()
            var numericB = [Double]()
            for k in 0..<model.weights[l].count {
                var plus = model
                var minus = model
                plus.weights[l].storage[k] += h
                minus.weights[l].storage[k] -= h
                numericW.append((plus.lossAndGradients(x, labels: labels).loss - minus.lossAndGradients(x, labels: labels).loss) / (2 * h))
            }
            for k in model.biases[l].indices {
                var plus = model
                var minus = model
                plus.biases[l][k] += h
                minus.biases[l][k] -= h
                numericB.append((plus.lossAndGradients(x, labels: labels).loss - minus.lossAndGradients(x, labels: labels).loss) / (2 * h))
            }
            #expect(relativeError(dW[l].storage, numericW) < 1e-6, "layer \(l + 1) weights")
            #expect(relativeError(db[l], numericB) < 1e-6, "layer \(l + 1) biases")
        }
    }

    @Test("the loss is the mean cross-entropy: uniform logits give log 10")
    func uniformLoss() {
        var model = MLP<Double>(sizes: [4, 10], seed: 0)
        model.weights[0].storage = Array(repeating: 0, count: 40)
        model.biases[0] = Array(repeating: 0, count: 10)
        let x = Matrix<Double>(rows: 3, cols: 4, repeating: 1)
        #expect(abs(model.lossAndGradients(x, labels: [1, 5, 9]).loss - log(10.0)) < 1e-12)
    }

    @Test("learns real MNIST: 2,000 images, 3 epochs, well above chance; same seed, same weights")
    func learnsAndIsDeterministic() throws {
        guard (try? DataLocator().folder(for: .mnist)) != nil else {
            print("skipping: MNIST not found (set AMSGA_DATA)")
            return
        }
        let data = try DataSplit.load(.mnist, seed: 0, trainSize: 2000, evalSize: 2000)
        var settings = BackpropSettings()
        settings.batchSize = 50
        let model = MLP<Float>(sizes: MLP<Float>.baselineSizes, seed: 0)
        let a = try BackpropTrainer(model: model, settings: settings, data: data)
        let b = try BackpropTrainer(model: model, settings: settings, data: data)
        for _ in 0..<3 {
            a.trainEpoch()
            b.trainEpoch()
        }
        #expect(a.model == b.model)
        let accuracy = a.accuracy(data.validation)
        #expect(accuracy > 0.8, "validation accuracy \(accuracy)")
    }

    @Test("bad settings name the parameter")
    func badSettings() throws {
        var rng = Xoshiro256StarStar(seed: 5)
        var images = Matrix<Float>(rows: 30, cols: 784)
        images.storage.withUnsafeMutableBufferPointer { rng.fillUniform($0, low: 0, high: 255) }
        let set = ImageSet(images: images, labels: (0..<30).map { UInt8($0 % 10) })
        let data = try DataSplit.make(.mnist, full: set, test: set, seed: 0)
        var s = BackpropSettings()
        s.batchSize = 0
        let model = MLP<Float>(sizes: MLP<Float>.baselineSizes, seed: 0)
        let error = #expect(throws: (any Error).self) { try BackpropTrainer(model: model, settings: s, data: data) }
        #expect("\(error.map { "\($0)" } ?? "")".contains("batchSize"))
    }
}
