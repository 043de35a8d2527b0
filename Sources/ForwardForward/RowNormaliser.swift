import Tensor

/// Every layer's input normalisation, x̂ = x · L / (‖x‖ + ε): L = 1 (unit
/// length, the paper's and every preset's) or L = √D (a mean square of 1 over
/// the row's D values, as Hinton's script's `ffnormrows` does). Training,
/// mining, hard negatives and prediction all normalise through one value.
struct RowNormaliser {
    let eps: Float
    let meanSquareOne: Bool

    init(_ config: FFConfiguration) {
        eps = Float(config.normEpsilon)
        meanSquareOne = config.inputNormalisation == .unitMeanSquare
    }

    /// With L = 1 the scale is 1 / (‖x‖ + ε), bit for bit as before the option existed.
    func length(_ cols: Int) -> Float { meanSquareOne ? Float(cols).squareRoot() : 1 }

    func callAsFunction(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        RowKernels.normalizeRows(src, dst, rows: rows, cols: cols, eps: eps, length: length(cols))
    }

    /// For rows whose sums of squares the goodness pass took.
    func callAsFunction(
        _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, rows: Int, cols: Int,
        sumsOfSquares: UnsafePointer<Float>
    ) {
        RowKernels.normalizeRows(src, dst, rows: rows, cols: cols, sumsOfSquares: sumsOfSquares, eps: eps, length: length(cols))
    }
}
