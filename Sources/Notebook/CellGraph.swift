import Foundation

/// A cell as the cells after it refer to it: the value its declaration
/// returns. A cell can name only a cell declared before it (a later one is
/// not yet in scope) and only one that exists, so the compiler checks the
/// graph that titles in strings left to the run. It carries the notebook's
/// parameter type, so that a sweep over it takes key paths of those parameters.
public struct CellRef<P: NotebookParameters>: Sendable {
    public let index: Int
    public let name: String
}

/// A notebook's cells, collected in the order they are declared; `P` is its
/// parameter type.
public final class Cells<P: NotebookParameters> {
    var cells: [Cell] = []

    /// Declares the next cell. Its body gets the context and the parameters
    /// as `P`; each parameter it reads enters its key.
    @discardableResult
    public func cell(_ name: String, line: Int = #line, _ body: @escaping @Sendable (CellContext, P) throws -> Void) -> CellRef<P> {
        let ref = CellRef<P>(index: cells.count, name: name)
        cells.append(Cell(name, line: line, check: nil) { ctx in try body(ctx, try ctx.parameters(P.self)) })
        return ref
    }

    /// Declares the next cell with a value made from the parameters alone (a
    /// training cell's configuration), which `run` and `sweep` make and check
    /// for every parameter set before any cell runs:
    ///
    ///     let train = nb.cell("Train") { p in
    ///         var config = FFConfiguration.baseline(.mnist)
    ///         config.epochs = p.epochs
    ///         return config
    ///     } run: { ctx, p, config in
    ///         try ctx.train(config, data: …, as: "baseline")
    ///     }
    @discardableResult
    public func cell<C: CheckedBeforeRunning>(
        _ name: String, line: Int = #line, _ configuration: @escaping @Sendable (P) throws -> C,
        run body: @escaping @Sendable (CellContext, P, C) throws -> Void
    ) -> CellRef<P> {
        let ref = CellRef<P>(index: cells.count, name: name)
        let check: @Sendable ([String: ParameterValue]) throws -> Void = { values in
            try configuration(try P.bound(to: values) { _, _ in }).validate()
        }
        cells.append(
            Cell(name, line: line, check: check) { ctx in
                let p = try ctx.parameters(P.self)
                try body(ctx, p, try configuration(p))
            })
        return ref
    }
}

/// A value a cell can check before it runs: `validate` throws an error that
/// names what is wrong.
public protocol CheckedBeforeRunning: SendableMetatype {
    func validate() throws
}

extension Notebook {
    /// A notebook whose parameters are the `@Param`s of `P` and whose cells
    /// `define` declares in order, each returning the handle later cells read it by:
    ///
    ///     public let demo = Notebook("demo") { (nb: Cells<DemoParameters>) in
    ///         let train = nb.cell("Train") { ctx, p in … ctx.train(…) }
    ///         nb.cell("Table") { ctx, p in let run = try ctx.run(from: train) … }
    ///     }
    ///
    /// The closure's parameter is written with its type: it names the
    /// parameters, and it lets the compiler check each statement alone, so a
    /// cell that reads one declared below it is an error at that line
    /// ("closure captures 'train' before it is declared").
    public init<P: NotebookParameters>(_ name: String, file: String = #fileID, _ define: (Cells<P>) -> Void) {
        let cells = Cells<P>()
        define(cells)
        let declared = P.declared()
        self.init(
            name: name, file: SourceTree.locate(fileID: file), parameters: declared.map { ($0.name, $0.defaultParameterValue) },
            ranges: Dictionary(uniqueKeysWithValues: declared.compactMap { p in p.range.map { (p.name, $0) } }),
            replicate: P.replicate.map { P.name(of: $0) }, cells: cells.cells)
        checkDefaults()
    }
}

extension CellContext {
    /// The parameters as their declared type; every property the cell reads is recorded.
    func parameters<P: NotebookParameters>(_ type: P.Type) throws -> P {
        try P.bound(to: inputs.parameters) { [unowned self] name, value in parametersRead[name] = value.description }
    }

    /// The file of the run an earlier cell trained (it trains one per parameter
    /// set): its run file, else its trace copy. `run(from:)` (Studies) reads it.
    public func runFile<P>(from cell: CellRef<P>) throws -> String {
        let e = try upstream(cell.index)
        return try Self.runFile(try Self.onlyRun(of: e, cell: cell.index), in: e, cell: cell.index, inputs: inputs)
    }

    /// An earlier cell's results at every point of a grid (see `sweep(_:over:)`).
    public func sweep<P>(_ cell: CellRef<P>, over points: [[Assign<P>]]) throws -> [SweepPoint] {
        try sweep(cellIndex: cell.index, over: points.map { Dictionary($0.map { ($0.name, $0.value) }) { $1 } })
    }

    static func onlyRun(of e: CacheEntry, cell i: Int) throws -> String {
        guard e.state.runs.count == 1 else {
            throw NotebookError(
                "cell \(i + 1) trained \(e.state.runs.isEmpty ? "no run" : "the runs " + e.state.runs.joined(separator: ", ")); "
                    + "ctx.run(from:) reads a cell that trains one")
        }
        return e.state.runs[0]
    }
}
