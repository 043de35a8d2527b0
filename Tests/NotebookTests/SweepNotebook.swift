import Notebook

//: # A notebook that reads a sweep
//: Cell 1 draws one number per seed; cell 2 sums the numbers of `count` seeds.
let sweepNotebook = Notebook("sweeping", parameters: ["seed": .int(0), "count": .int(3), "scale": .int(10)]) {
    Cell("Draw") { ctx in
        ctx.save("x", [Double(try ctx.int("seed") * ctx.int("scale"))])
    }
    Cell("Gather") { ctx in
        let points = try ctx.sweep("Draw", over: Grid.product(["seed": (0 ..< ctx.int("count")).map { .int($0) }]))
        let values = try points.map { try $0.tensor("x")[0] }
        ctx.print("seeds \(try points.map { try $0.int("seed") }) values \(values)")
        ctx.save("values", values)
    }
}
