// swift-format-ignore-file
// (A test notebook: the tests read its cells back as text, so it keeps its layout.)
import Notebook

//: # A test notebook
//: Cheap cells that pass state through the store.
let testNotebook = Notebook("test") { (nb: Cells<TestParameters>) in
    //: Cell 1 makes a vector.
    let make = nb.cell("Make") { ctx, p in
        ctx.save(TestTensor.x, [1.0, 2.0, 3.0].map { $0 * Double(p.scale) })
    }
    //: Cell 2 shifts it.
    let shift = nb.cell("Shift") { ctx, p in
        let x = try ctx.load(TestTensor.x, from: make)
        ctx.save(TestTensor.y, x.map { $0 + Double(p.offset) })
    }
    //: Cell 3 sums it.
    nb.cell("Sum") { ctx, _ in
        let y = try ctx.load(TestTensor.y, from: shift)
        ctx.print("sum", y.reduce(0, +))
    }
    //: Cell 4 reads nothing.
    nb.cell("Independent") { ctx, _ in
        ctx.print(greeting())
    }
}

/// A helper after the notebook: part of every cell's key.
func greeting() -> String { "hello" }

struct TestParameters: NotebookParameters {
    @Param(.between(1, 9)) var scale = 2
    @Param var offset = 1
}

enum TestTensor {
    static let x = TensorName("x")
    static let y = TensorName("y")
}

/// How many figures `figureNotebook` draws (a test changes it between forced runs).
nonisolated(unsafe) var figuresToDraw = 2

struct NoParameters: NotebookParameters {}

/// A notebook whose one cell draws `figuresToDraw` figures.
let figureNotebook = Notebook("figures") { (nb: Cells<NoParameters>) in
    nb.cell("Draw") { ctx, _ in
        for k in 0 ..< figuresToDraw { try ctx.figure("figure-\(k).svg", svg: "<svg xmlns=\"http://www.w3.org/2000/svg\"/>") }
    }
}

struct ExportParameters: NotebookParameters {
    @Param var n = 3
}

/// A notebook whose cells print text around a table and draw a figure (the Jupyter export's tests).
let exportNotebook = Notebook("export") { (nb: Cells<ExportParameters>) in
    //: # Export
    //: Text, a table, more text and a figure.
    nb.cell("Print") { ctx, _ in
        ctx.print("before")
        ctx.table(["a", "b"], [["1", "2"]])
        ctx.print("after")
        try ctx.figure("line.svg", svg: "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><path d=\"M0 0L10 10\"/></svg>")
    }
    //: A cell that reads a parameter.
    nb.cell("Second") { ctx, p in
        ctx.print("n =", p.n)
    }
}
