import Backprop
import Datasets
import Foundation
import Tensor
import Testing

/// ‖a − b‖ / max(‖a‖, ‖b‖).
func relativeError(_ a: [Double], _ b: [Double]) -> Double {
    let diff = zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
    let scale = max(a.reduce(0) { $0 + $1 * $1 }.squareRoot(), b.reduce(0) { $0 + $1 * $1 }.squareRoot())
    return diff / scale
}

/// Central differences of `loss` with respect to every value of `values`.
func numericGradient(_ values: [Double], h: Double = 1e-6, _ loss: ([Double]) -> Double) -> [Double] {
    values.indices.map { k in
        var plus = values
        var minus = values
        plus[k] += h
        minus[k] -= h
        return (loss(plus) - loss(minus)) / (2 * h)
    }
}

func randomMatrix(_ rows: Int, _ cols: Int, seed: UInt64) -> Matrix<Double> {
    var rng = Xoshiro256StarStar(seed: seed)
    var m = Matrix<Double>(rows: rows, cols: cols)
    m.storage.withUnsafeMutableBufferPointer { rng.fillUniform($0, low: -1, high: 1) }
    return m
}

/// L = ½ Σ r ⊙ y²: a smooth loss whose gradient ∂L/∂y = r ⊙ y reaches every output differently.
func weightedSquares(_ y: Matrix<Double>, _ r: Matrix<Double>) -> Double {
    zip(y.storage, r.storage).reduce(0) { $0 + 0.5 * $1.1 * $1.0 * $1.0 }
}

@Suite("Backpropagation CNN (Tables III–IV)")
struct CNNTests {
    static func convolution(kernel: Int = 3) -> Convolution<Double> {
        var rng = Xoshiro256StarStar(seed: 11)
        return Convolution(height: 5, width: 4, inChannels: 2, outChannels: 3, kernel: kernel, rng: &rng)
    }

    @Test("convolution forward equals the direct sum over the zero-padded window", arguments: [1, 3, 5])
    func convolutionForward(kernel: Int) {
        let conv = Self.convolution(kernel: kernel)
        let x = randomMatrix(2, conv.inputSize, seed: 12)
        let z = conv.forward(cols: conv.im2col(x), images: 2, relu: false)
        let pad = kernel / 2
        var worst = 0.0
        for n in 0..<2 {
            for oy in 0..<5 {
                for ox in 0..<4 {
                    for o in 0..<3 {
                        var sum = conv.bias[o]
                        for ky in 0..<kernel {
                            for kx in 0..<kernel {
                                for c in 0..<2 {
                                    let iy = oy + ky - pad
                                    let ix = ox + kx - pad
                                    guard iy >= 0 && iy < 5 && ix >= 0 && ix < 4 else { continue }
                                    sum += conv.weights[o, (ky * kernel + kx) * 2 + c] * x[n, (iy * 4 + ix) * 2 + c]
                                }
                            }
                        }
                        worst = max(worst, abs(sum - z[n, (oy * 4 + ox) * 3 + o]))
                    }
                }
            }
        }
        #expect(worst < 1e-12)
    }

    @Test("convolution gradients (weights, bias, input) agree with central differences in Double")
    func convolutionGradients() {
        let conv = Self.convolution()
        let x = randomMatrix(2, conv.inputSize, seed: 13)
        let r = randomMatrix(2, conv.outputSize, seed: 14)
        func loss(_ c: Convolution<Double>, _ x: Matrix<Double>) -> Double {
            weightedSquares(c.forward(cols: c.im2col(x), images: x.rows, relu: false), r)
        }
        let cols = conv.im2col(x)
        let z = conv.forward(cols: cols, images: 2, relu: false)
        let dZ = Matrix(rows: 2, cols: conv.outputSize, storage: zip(z.storage, r.storage).map { $0 * $1 })
        let (dW, db, dX) = conv.backward(cols: cols, outputGradient: dZ, inputGradient: true)
        let numericW = numericGradient(conv.weights.storage) { w in
            var c = conv
            c.weights.storage = w
            return loss(c, x)
        }
        let numericB = numericGradient(conv.bias) { b in
            var c = conv
            c.bias = b
            return loss(c, x)
        }
        let numericX = numericGradient(x.storage) { loss(conv, Matrix(rows: 2, cols: conv.inputSize, storage: $0)) }
        #expect(relativeError(dW.storage, numericW) < 1e-6)
        #expect(relativeError(db, numericB) < 1e-6)
        #expect(relativeError(dX!.storage, numericX) < 1e-6)
    }

    @Test("2×2 max-pooling: forward takes each window's maximum, backward agrees with central differences")
    func pooling() {
        let pool = MaxPooling(height: 5, width: 4, channels: 3)  // odd height: the last row is dropped
        let x = randomMatrix(2, pool.inputSize, seed: 15)
        let r = randomMatrix(2, pool.outputSize, seed: 16)
        let (y, winners) = pool.forward(x)
        #expect(pool.outputHeight == 2 && pool.outputWidth == 2)
        for n in 0..<2 {
            for oy in 0..<2 {
                for ox in 0..<2 {
                    for c in 0..<3 {
                        let window = [(0, 0), (0, 1), (1, 0), (1, 1)].map { x[n, ((2 * oy + $0.0) * 4 + 2 * ox + $0.1) * 3 + c] }
                        #expect(y[n, (oy * 2 + ox) * 3 + c] == window.max()!)
                    }
                }
            }
        }
        let dY = Matrix(rows: 2, cols: pool.outputSize, storage: zip(y.storage, r.storage).map { $0 * $1 })
        let dX = pool.backward(dY, winners: winners)
        let numericX = numericGradient(x.storage) {
            weightedSquares(pool.forward(Matrix(rows: 2, cols: pool.inputSize, storage: $0)).output, r)
        }
        #expect(relativeError(dX.storage, numericX) < 1e-6)
        #expect(dX.storage.filter { $0 != 0 }.count == dY.count)  // one winner per window, the rest untouched
    }

    @Test("whole CNN: every parameter's gradient (both blocks, dense layers) agrees with central differences in Double")
    func cnnGradients() {
        let arch = CNN<Double>.Architecture(
            height: 8, width: 8, channels: 2, kernel: 3, convolutionChannels: [3, 4], dense: [5], classes: 3)
        var model = CNN<Double>(architecture: arch, seed: 17)
        // Biases away from the init so that some ReLUs are off and some on.
        model.updateParametersInPlace { i, p in
            if i % 2 == 1 { for j in p.indices { p[j] = 0.2 * Double(j % 3) - 0.2 } }
        }
        let x = randomMatrix(4, model.inputSize, seed: 18)
        let labels = [0, 2, 1, 2]
        let (_, gradients) = model.lossAndGradients(x, labels: labels)
        let parameters = model.parameters
        #expect(gradients.map(\.count) == parameters.map(\.count))
        let names = ["conv 1 W", "conv 1 b", "conv 2 W", "conv 2 b", "dense 1 W", "dense 1 b", "output W", "output b"]
        for (i, name) in names.enumerated() {
            let numeric = numericGradient(parameters[i]) { values in
                var m = model
                m.updateParametersInPlace { j, p in if j == i { for k in p.indices { p[k] = values[k] } } }
                return m.lossAndGradients(x, labels: labels).loss
            }
            #expect(relativeError(gradients[i], numeric) < 1e-6, "\(name)")
        }
    }

    @Test("learns real MNIST: 1,000 images, well above chance; same seed, same weights")
    func learnsAndIsDeterministic() throws {
        guard (try? DataLocator().folder(for: .mnist)) != nil else {
            print("skipping: MNIST not found (set AMSGA_DATA)")
            return
        }
        let data = try DataSplit.load(.mnist, seed: 0, trainSize: 1000, evalSize: 1000)
        var settings = BackpropSettings()
        settings.batchSize = 50
        let model = CNN<Float>(architecture: .tutorial, seed: 0)
        let a = try BackpropTrainer(model: model, settings: settings, data: data)
        let b = try BackpropTrainer(model: model, settings: settings, data: data)
        a.trainEpoch()
        b.trainEpoch()
        #expect(a.model == b.model)
        a.trainEpoch()
        let accuracy = a.accuracy(data.validation)
        #expect(accuracy > 0.85, "validation accuracy \(accuracy)")
    }
}
