/// A dense row-major matrix: element (i, j) is `storage[i * cols + j]`.
///
/// Kernels work on its buffer through unsafe pointers; the struct itself only
/// owns memory and checks shapes.
public struct Matrix<Scalar: BLASScalar>: Sendable, Equatable {
    public private(set) var rows: Int
    public let cols: Int
    public var storage: [Scalar]

    public init(rows: Int, cols: Int, repeating value: Scalar = 0) {
        precondition(rows >= 0 && cols >= 0, "negative matrix shape \(rows)×\(cols)")
        self.rows = rows
        self.cols = cols
        self.storage = [Scalar](repeating: value, count: rows * cols)
    }

    public init(rows: Int, cols: Int, storage: [Scalar]) {
        precondition(
            storage.count == rows * cols,
            "storage holds \(storage.count) values, a \(rows)×\(cols) matrix needs \(rows * cols)")
        self.rows = rows
        self.cols = cols
        self.storage = storage
    }

    /// Builds a matrix element by element (tests and small problems).
    public init(rows: Int, cols: Int, _ element: (Int, Int) -> Scalar) {
        var s = [Scalar]()
        s.reserveCapacity(rows * cols)
        for i in 0..<rows { for j in 0..<cols { s.append(element(i, j)) } }
        self.init(rows: rows, cols: cols, storage: s)
    }

    public var count: Int { rows * cols }

    @inlinable
    public subscript(i: Int, j: Int) -> Scalar {
        get { storage[i * cols + j] }
        set { storage[i * cols + j] = newValue }
    }

    /// Row `i` as an array (a copy).
    public func row(_ i: Int) -> [Scalar] { Array(storage[i * cols..<(i + 1) * cols]) }

    /// The rows at `indices`, in that order.
    public func gathering(rows indices: [Int]) -> Matrix {
        var out = Matrix(rows: indices.count, cols: cols)
        storage.withUnsafeBufferPointer { src in
            out.storage.withUnsafeMutableBufferPointer { dst in
                for (k, i) in indices.enumerated() {
                    (dst.baseAddress! + k * cols).update(from: src.baseAddress! + i * cols, count: cols)
                }
            }
        }
        return out
    }

}
