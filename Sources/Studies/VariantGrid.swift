import Foundation
import Notebook
import RunStore

/// One variant of a study and its runs, one per seed in order.
public struct VariantRuns<V> {
    public let variant: V
    public let runs: [(name: String, run: RunContents)]

    /// Final test accuracy per seed, per-sample and batch prediction.
    public var testPerSample: [Double] { runs.map { $0.run.finalPerSample?.test ?? .nan } }
    public var testBatch: [Double] { runs.map { $0.run.finalBatch?.test ?? .nan } }
}

extension CellContext {
    /// The run a training cell makes at every variant and seed of a study,
    /// read through one sweep: each variant at seeds 0 ..< `seeds(variant)`,
    /// with `fixed` (another axis's value, say) on top of every point.
    public func variantRuns<P: NotebookParameters, V: ParameterType & CaseIterable>(
        _ cell: CellRef<P>, variant: KeyPath<P, V>, seed: KeyPath<P, Int>, seeds: (V) -> Int, fixed: [Assign<P>] = []
    ) throws -> [VariantRuns<V>] {
        let plan = V.allCases.map { v in (v, seeds(v)) }
        let results = try sweep(cell, over: plan.flatMap { v, n in (0..<n).map { fixed + [Assign(variant, v), Assign(seed, $0)] } })
        var next = results[...]
        return try plan.map { v, n in
            defer { next = next.dropFirst(n) }
            return VariantRuns(variant: v, runs: try next.prefix(n).map { (try $0.runName(), try $0.run()) })
        }
    }
}
