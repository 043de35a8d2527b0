/// A tensor that one cell saves and later cells load, named once
/// (`static let loss = TensorName("loss")`) so that a misspelt name is a
/// compile error rather than a missing tensor when the reading cell runs.
public struct TensorName: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    public init(_ name: String) { self.name = name }
    public var description: String { name }
}

extension CellContext {
    /// Saves `values` under `tensor` (see `save(_:_:shape:dims:units:)`).
    public func save(_ tensor: TensorName, _ values: [Double], shape: [Int]? = nil, dims: [String]? = nil, units: String = "1") {
        save(tensor.name, values, shape: shape, dims: dims, units: units)
    }

    /// The tensor `cell` saved under `tensor`; the read enters this cell's key like any other.
    public func load<P>(_ tensor: TensorName, from cell: CellRef<P>) throws -> [Double] {
        try Self.tensor(tensor.name, in: try upstream(cell.index), cell: cell.index)
    }
}
