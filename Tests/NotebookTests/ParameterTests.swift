import Foundation
import Notebook
import Testing

enum Flavour: String, CaseIterable {
    case plain
    case spicy = "extra-spicy"
}

/// One parameter of each type; its cell reads each with its accessor.
let typedNotebook = Notebook(
    "typed",
    parameters: [
        "count": .int(3), "rate": .double(0.5), "verbose": .flag(false), "flavour": .choice(Flavour.plain), "label": .string("x"),
    ], ranges: ["count": .between(1, 10), "rate": .above(0)]
) {
    Cell("Read") { ctx in
        ctx.print(
            "\(try ctx.int("count")) \(try ctx.double("rate")) \(try ctx.flag("verbose")) \(try ctx.choice("flavour", as: Flavour.self)) \(try ctx.string("label"))"
        )
    }
    Cell("Misread") { ctx in
        _ = try ctx.int("rate")
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

    @Test("A cell reads each type with its accessor; the wrong accessor is an error naming the declared type")
    func accessors() throws {
        let dir = NSTemporaryDirectory() + "amsga-typed-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try NotebookRunner(typedNotebook, overrides: ["verbose=true", "flavour=extra-spicy"], outputs: dir)
        r.log = { _ in }
        try r.run(target: 0)
        let e = #expect(throws: NotebookError.self) { try r.run(target: 1) }
        #expect(
            e?.description.contains("reads parameter 'rate' with ctx.int, for a whole number, but it is declared as a number") == true,
            "\(e?.description ?? "")")
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
