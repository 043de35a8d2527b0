// swift-format-ignore-file
// (A test notebook: the tests read its cells back as text, so it keeps its layout.)
import Notebook

//: # A test notebook
//: Cheap cells that pass state through the store.
let testNotebook = Notebook("test", parameters: ["scale": .int(2), "offset": .int(1)], ranges: ["scale": .between(1, 9)]) {
    //: Cell 1 makes a vector.
    Cell("Make") { ctx in
        let scale = Double(try ctx.int("scale"))
        ctx.save("x", [1.0, 2.0, 3.0].map { $0 * scale })
    }
    //: Cell 2 shifts it.
    Cell("Shift") { ctx in
        let x = try ctx.load("x", from: "Make")
        let offset = Double(try ctx.int("offset"))
        ctx.save("y", x.map { $0 + offset })
    }
    //: Cell 3 sums it.
    Cell("Sum") { ctx in
        let y = try ctx.load("y", from: "Shift")
        ctx.print("sum", y.reduce(0, +))
    }
    //: Cell 4 reads nothing.
    Cell("Independent") { ctx in
        ctx.print(greeting())
    }
}

/// A helper after the notebook: part of every cell's key.
func greeting() -> String { "hello" }

/// How many figures `figureNotebook` draws (a test changes it between forced runs).
nonisolated(unsafe) var figuresToDraw = 2

/// A notebook whose one cell draws `figuresToDraw` figures.
let figureNotebook = Notebook("figures", parameters: [:]) {
    Cell("Draw") { ctx in
        for k in 0 ..< figuresToDraw { try ctx.figure("figure-\(k).svg", svg: "<svg xmlns=\"http://www.w3.org/2000/svg\"/>") }
    }
}

/// A notebook whose cells print text around a table and draw a figure (the Jupyter export's tests).
let exportNotebook = Notebook("export", parameters: ["n": .int(3)]) {
    //: # Export
    //: Text, a table, more text and a figure.
    Cell("Print") { ctx in
        ctx.print("before")
        ctx.table(["a", "b"], [["1", "2"]])
        ctx.print("after")
        try ctx.figure("line.svg", svg: "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><path d=\"M0 0L10 10\"/></svg>")
    }
    //: A cell that reads a parameter.
    Cell("Second") { ctx in
        ctx.print("n =", try ctx.int("n"))
    }
}
