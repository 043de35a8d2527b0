import Foundation

/// One point of a grid as a cell that reads a sweep sees it: the point's
/// parameters and what the swept cell left for them.
public struct SweepPoint {
    /// The point's values, by parameter name.
    public let parameters: [String: ParameterValue]
    let inputs: CellInputs
    let cell: Int
    let entry: CacheEntry

    /// The file of the run the swept cell trained for this point (it trains one); `run()` (Studies) reads it.
    public func runFile() throws -> String { try CellContext.runFile(try runName(), in: entry, cell: cell, inputs: inputs) }

    /// The name of the run the swept cell trained for this point (it trains one).
    public func runName() throws -> String { try CellContext.onlyRun(of: entry, cell: cell) }

    /// The point's value of a parameter, by its declaration.
    public func value<P: NotebookParameters, V: ParameterType>(_ keyPath: KeyPath<P, V>) throws -> V {
        let name = P.name(of: keyPath)
        guard let v = parameters[name].flatMap(V.init(parameterValue:)) else {
            throw NotebookError("sweep point has no parameter '\(name)' of type \(V.self)")
        }
        return v
    }

    /// A tensor the swept cell saved for this point.
    public func tensor(_ name: TensorName) throws -> [Double] { try CellContext.tensor(name.name, in: entry, cell: cell) }
}

extension CellContext {
    /// The results of cell i at every point of a grid, each point this
    /// parameter set with the point's values on top. A point the cache holds
    /// is read; one it lacks runs here, in order (`amsga sweep` runs the points
    /// in parallel beforehand). Every point's key enters this cell's key.
    func sweep(cellIndex i: Int, over points: [[String: ParameterValue]]) throws -> [SweepPoint] {
        guard i < index else { throw NotebookError("cell \(index + 1) can only sweep earlier cells, not cell \(i + 1)") }
        var results: [SweepPoint] = []
        for p in points {
            let overrides = p.map { "\($0.key)=\($0.value)" }.sorted()
            let child = try inputs.point(overrides)
            let e = try child.freshEntry(i)
            sweepsRead.append(SweepRead(cell: i, point: overrides, key: e.state.key))
            results.append(SweepPoint(parameters: child.parameters, inputs: child, cell: i, entry: e))
        }
        return results
    }
}
