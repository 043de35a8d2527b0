import Tensor

/// One fully connected FF layer: h = ReLU(W x̂ + b) with x̂ = x / (‖x‖₂ + ε).
///
/// W (out × in, row-major) and b are one flat vector `parameters = [W…, b…]`,
/// so that clipping and Adam see the layer as a single tensor; `gradient` has
/// the same layout.
public struct FFLayer<T: BLASScalar>: Sendable {
    public let inputSize: Int
    public let outputSize: Int
    public var parameters: [T]
    public var gradient: [T]

    public var weightCount: Int { inputSize * outputSize }

    public init(inputSize: Int, outputSize: Int, parameters: [T]) {
        precondition(parameters.count == inputSize * outputSize + outputSize, "layer parameter count")
        self.inputSize = inputSize
        self.outputSize = outputSize
        self.parameters = parameters
        self.gradient = [T](repeating: 0, count: parameters.count)
    }

    /// A freshly initialised layer drawing from `rng`.
    public init(
        inputSize: Int, outputSize: Int, initialisation: FFConfiguration.Initialisation,
        rng: inout Xoshiro256StarStar
    ) {
        var p = [T](repeating: 0, count: inputSize * outputSize + outputSize)
        let fanIn = Double(inputSize)
        p.withUnsafeMutableBufferPointer { buf in
            switch initialisation {
            case .uniformFanIn:
                let bound = T(1 / fanIn.squareRoot())
                rng.fillUniform(buf, low: -bound, high: bound)
            case .kaimingNormal:
                let w = UnsafeMutableBufferPointer(rebasing: buf[0..<inputSize * outputSize])
                rng.fillNormal(w, mean: 0, std: T((2 / fanIn).squareRoot()))
            case .normalFanIn:
                let w = UnsafeMutableBufferPointer(rebasing: buf[0..<inputSize * outputSize])
                rng.fillNormal(w, mean: 0, std: T((1 / fanIn).squareRoot()))
            }
        }
        self.init(inputSize: inputSize, outputSize: outputSize, parameters: p)
    }

    public var weight: Matrix<T> {
        Matrix(rows: outputSize, cols: inputSize, storage: Array(parameters[0..<weightCount]))
    }
    public var bias: [T] { Array(parameters[weightCount...]) }

    /// h = ReLU(x̂ Wᵀ + b) for `rows` normalised inputs.
    @inlinable
    public func forward(_ xhat: UnsafePointer<T>, rows: Int, into h: UnsafeMutablePointer<T>) {
        guard rows > 0 else { return }
        linear(xhat, rows: rows, into: h)
        parameters.withUnsafeBufferPointer {
            RowKernels.addBiasReLU(h, rows: rows, cols: outputSize, bias: $0.baseAddress! + weightCount)
        }
    }

    /// `forward`, then `goodness.goodness(h, …)` in the same pass over h.
    @inlinable
    public func forward(
        _ xhat: UnsafePointer<T>, rows: Int, into h: UnsafeMutablePointer<T>,
        scoring goodness: MultiScaleGoodness<T>, into g: UnsafeMutablePointer<T>,
        rowSums: UnsafeMutablePointer<T>
    ) {
        guard rows > 0 else { return }
        linear(xhat, rows: rows, into: h)
        parameters.withUnsafeBufferPointer {
            goodness.activateAndScore(h, rows: rows, bias: $0.baseAddress! + weightCount, into: g, rowSums: rowSums)
        }
    }

    /// `forward`, then `goodness.evaluate(h, …)` in the same pass over h.
    @inlinable
    public func forward(
        _ xhat: UnsafePointer<T>, rows: Int, into h: UnsafeMutablePointer<T>,
        evaluating goodness: MultiScaleGoodness<T>, part: UnsafeMutablePointer<T>,
        rowSums: UnsafeMutablePointer<T>
    ) {
        guard rows > 0 else { return }
        linear(xhat, rows: rows, into: h)
        parameters.withUnsafeBufferPointer {
            _ = goodness.activateAndEvaluate(h, rows: rows, bias: $0.baseAddress! + weightCount, part: part, rowSums: rowSums)
        }
    }

    /// z = x̂ Wᵀ, without the bias.
    @inlinable
    func linear(_ xhat: UnsafePointer<T>, rows: Int, into z: UnsafeMutablePointer<T>) {
        parameters.withUnsafeBufferPointer { p in
            T.gemm(
                transA: false, transB: true, m: rows, n: outputSize, k: inputSize,
                alpha: 1, a: xhat, lda: inputSize, b: p.baseAddress!, ldb: inputSize,
                beta: 0, c: z, ldc: outputSize)
        }
    }

    /// Adds dW = dZᵀ x̂ and db = Σ_rows dZ (given: the `columnSums` of dZ, which
    /// the goodness backward pass takes) into `gradient`; `accumulate: false` overwrites.
    @inlinable
    public mutating func accumulateGradient(
        dz: UnsafePointer<T>, xhat: UnsafePointer<T>, rows: Int,
        accumulate: Bool, columnSums: UnsafePointer<T>
    ) {
        let wc = weightCount
        let out = outputSize
        let inp = inputSize
        gradient.withUnsafeMutableBufferPointer { g in
            let gp = g.baseAddress!
            if rows == 0 {
                if !accumulate { gp.update(repeating: 0, count: g.count) }
                return
            }
            T.gemm(
                transA: true, transB: false, m: out, n: inp, k: rows,
                alpha: 1, a: dz, lda: out, b: xhat, ldb: inp,
                beta: accumulate ? 1 : 0, c: gp, ldc: inp)
            for j in 0..<out { gp[wc + j] = (accumulate ? gp[wc + j] : 0) + columnSums[j] }
        }
    }
}
