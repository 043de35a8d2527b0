import Foundation
import RunStore

/// A notebook's declaration as data (`amsga ls --json`): scripts such as
/// `.ci/figures` read a parameter's choices from here instead of keeping a copy.
public struct NotebookListing: Encodable {
    struct Parameter: Encodable {
        let name: String
        /// int, double, text, flag or choice.
        let type: String
        /// The default, as `-p` takes it.
        let `default`: String
        let choices: [String]?
        /// E.g. "at least 1"; absent when the parameter has none.
        let range: String?
    }

    let name: String
    let file: String
    let parameters: [Parameter]
    let cells: [String]

    public init(_ nb: Notebook) {
        name = nb.name
        file = nb.file
        parameters = nb.parameters.map { p in
            let type: String
            let choices: [String]?
            switch p.value {
            case .int: (type, choices) = ("int", nil)
            case .double: (type, choices) = ("double", nil)
            case .string: (type, choices) = ("text", nil)
            case .flag: (type, choices) = ("flag", nil)
            case .choice(_, let among): (type, choices) = ("choice", among)
            }
            return Parameter(
                name: p.name, type: type, default: p.value.description, choices: choices,
                range: nb.ranges[p.name]?.description)
        }
        cells = nb.cells.map(\.name)
    }

    /// One line of JSON, keys sorted.
    public var json: String { CanonicalJSON.string(self) }
}
