import Notebook
import Testing

@Suite("Parameter grids")
struct GridTests {
    @Test("Lists, ranges and single values make the cartesian grid, the last option varying fastest")
    func points() throws {
        let g = try ParameterGrid(notebook: testNotebook, options: ["scale=1..3", "offset=5,7"])
        #expect(
            g.points == [
                ["scale=1", "offset=5"], ["scale=1", "offset=7"], ["scale=2", "offset=5"],
                ["scale=2", "offset=7"], ["scale=3", "offset=5"], ["scale=3", "offset=7"],
            ])
        #expect(g.label == "scale=1,2,3_offset=5,7")
        #expect(try ParameterGrid(notebook: testNotebook, options: ["scale=4"]).points == [["scale=4"]])
        #expect(try ParameterGrid(notebook: testNotebook, options: []).points == [[]])
    }

    @Test(
        "Bad grid syntax is an error naming the parameter and what is wrong",
        arguments: [
            ("scale=", "parameter 'scale' has no values"),
            ("scale=a..b", "range 'a..b' of parameter 'scale' needs whole numbers"),
            ("scale=3..1", "is empty"),
            ("scale=1,,2", "value 2 of '1,,2' is empty"),
            ("scale=1,x", "parameter 'scale' takes a whole number, got 'x'"),
            ("scale=1,1", "lists 1 twice"),
            ("nope=1", "has no parameter 'nope'; its parameters: scale (default 2), offset (default 1)"),
            ("=1", "malformed parameter '=1'"),
            ("scale", "malformed parameter 'scale'"),
            ("scale=0..2", "parameter 'scale' must be between 1 and 9, got 0"),
            ("scale=3,12", "parameter 'scale' must be between 1 and 9, got 12"),
        ])
    func badSyntax(option: String, message: String) {
        let e = #expect(throws: NotebookError.self) { try ParameterGrid(notebook: testNotebook, options: [option]) }
        #expect(e?.description.contains(message) == true, "\(e?.description ?? "no error")")
    }

    @Test("A parameter given twice is refused")
    func twice() {
        #expect(throws: NotebookError.self) { try ParameterGrid(notebook: testNotebook, options: ["scale=1", "scale=2"]) }
    }
}
