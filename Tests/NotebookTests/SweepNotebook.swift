// swift-format-ignore-file
// (A test notebook: the tests read its cells back as text, so it keeps its layout.)
import Notebook

//: # A notebook that reads a sweep
//: Cell 1 draws one number per seed; cell 2 sums the numbers of `count` seeds.
struct SweepingParameters: NotebookParameters {
    @Param var seed = 0
    @Param var count = 3
    @Param var scale = 10
    static var replicate: KeyPath<Self, Int>? { \.seed }
}

let sweepNotebook = Notebook("sweeping") { (nb: Cells<SweepingParameters>) in
    let draw = nb.cell("Draw") { ctx, p in
        ctx.save(drawn, [Double(p.seed * p.scale)])
    }
    nb.cell("Gather") { ctx, p in
        let points = try ctx.sweep(draw, over: (0 ..< p.count).map { [Assign(\.seed, $0)] })
        let values = try points.map { try $0.tensor(drawn)[0] }
        ctx.print("seeds \(try points.map { try $0.value(\SweepingParameters.seed) }) values \(values)")
        ctx.save("values", values)
    }
}

/// The number each seed draws.
let drawn = TensorName("x")
