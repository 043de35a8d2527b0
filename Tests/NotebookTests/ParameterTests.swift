import Foundation
import Notebook
import TestSupport
import Testing

enum Flavour: String, CaseIterable, ParameterType {
    case plain
    case spicy = "extra-spicy"
}

/// One parameter of each type.
struct TypedParameters: NotebookParameters {
    @Param(.between(1, 10)) var count = 3
    @Param(.above(0)) var rate = 0.5
    @Param var verbose = false
    @Param var flavour = Flavour.plain
    @Param var label = "x"
}

/// A notebook whose cell reads each parameter as its type.
let typedNotebook = Notebook("typed") { (nb: Cells<TypedParameters>) in
    nb.cell("Read") { ctx, p in
        ctx.print("\(p.count) \(p.rate) \(p.verbose) \(p.flavour.rawValue) \(p.label)")
    }
    nb.cell("Misread") { ctx, p in
        ctx.print(p.rate)
    }
}

@Suite("Typed parameters")
struct ParameterTests {
    @Test(
        "Each type parses its values",
        arguments: [
            ("count=7", "7"), ("rate=2.5e-3", "0.0025"), ("verbose=yes", "true"), ("verbose=off", "false"),
            ("flavour=extra-spicy", "extra-spicy"), ("label=any text", "any text"),
        ])
    func parses(option: String, value: String) throws {
        let name = String(option.prefix { $0 != "=" })
        #expect(try typedNotebook.resolveParameters([option])[name]?.description == value)
    }

    @Test(
        "Each bad value is refused before any cell runs, naming the parameter, the value and what is allowed",
        arguments: [
            ("count=2.5", "parameter 'count' takes a whole number, got '2.5'"),
            ("count=0", "parameter 'count' must be between 1 and 10, got 0"),
            ("count=-5", "parameter 'count' must be between 1 and 10, got -5"),
            ("rate=fast", "parameter 'rate' takes a number, got 'fast'"),
            ("rate=0", "parameter 'rate' must be above 0, got 0.0"),
            ("rate=nan", "parameter 'rate' takes a number, got 'nan'"),
            ("rate=inf", "parameter 'rate' takes a number, got 'inf'"),
            ("verbose=maybe", "parameter 'verbose' takes true or false, got 'maybe'"),
            ("flavour=mild", "parameter 'flavour' takes one of plain, extra-spicy, got 'mild'"),
            ("colour=red", "notebook 'typed' has no parameter 'colour'"),
        ])
    func refused(option: String, message: String) {
        let e = #expect(throws: NotebookError.self) { try typedNotebook.resolveParameters([option]) }
        #expect(e?.description.contains(message) == true, "\(e?.description ?? "no error")")
    }

    @Test("A grid of choices and flags is parsed and checked like single values")
    func grid() throws {
        let g = try ParameterGrid(notebook: typedNotebook, options: ["flavour=plain,extra-spicy", "verbose=true,false"])
        #expect(g.points.count == 4)
        #expect(throws: NotebookError.self) { try ParameterGrid(notebook: typedNotebook, options: ["flavour=plain,hot"]) }
        #expect(throws: NotebookError.self) { try ParameterGrid(notebook: typedNotebook, options: ["rate=1..3"]) }
    }

    @Test("A cell reads each parameter as its declared type; what it reads enters its key")
    func reads() throws {
        let dir = Scratch.path("typed")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try NotebookRunner(typedNotebook, overrides: ["verbose=true", "flavour=extra-spicy"], outputs: dir)
        r.log = { _ in }
        try r.run()
        let read = try r.storedState(0)
        #expect(read.output.contains("3 0.5 true extra-spicy x"))
        #expect(read.parameters == ["count": "3", "rate": "0.5", "verbose": "true", "flavour": "extra-spicy", "label": "x"])
        #expect(try r.storedState(1).parameters == ["rate": "0.5"])
    }

    @Test("`amsga ls --json` gives each parameter's type, default, choices and range, and the cells in order")
    func listing() throws {
        let json = NotebookListing(typedNotebook).json
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["cells"] as? [String] == ["Read", "Misread"])
        let parameters = try #require(object["parameters"] as? [[String: Any]])
        let byName = Dictionary(uniqueKeysWithValues: parameters.map { ($0["name"] as? String ?? "", $0) })
        #expect(byName["flavour"]?["type"] as? String == "choice")
        #expect(byName["flavour"]?["choices"] as? [String] == ["plain", "extra-spicy"])
        #expect(byName["count"]?["range"] as? String == "between 1 and 10")
        #expect(byName["rate"]?["default"] as? String == "0.5")
        #expect(byName["verbose"]?["range"] == nil)
        #expect(parameters.map { $0["name"] as? String } == ["count", "rate", "verbose", "flavour", "label"])
    }
}
