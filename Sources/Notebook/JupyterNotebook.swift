import Foundation

/// The parts of nbformat 4.5 (https://nbformat.readthedocs.io/en/latest/format_description.html)
/// that an exported notebook uses, as typed values: Jupyter, VS Code and code
/// hosts render such a file with its outputs. `JupyterExport` fills it from a
/// notebook's source and cell states.
struct JupyterNotebook: Encodable {
    var cells: [Cell]
    var metadata: [String: JSONValue]
    let nbformat = 4
    /// 5: cells carry an `id`.
    let nbformatMinor = 5

    enum CodingKeys: String, CodingKey {
        case cells, metadata, nbformat
        case nbformatMinor = "nbformat_minor"
    }

    struct Cell: Encodable {
        enum Kind: String, Encodable { case markdown, code }
        var kind: Kind
        var id: String
        var source: String
        var metadata: [String: JSONValue] = [:]
        /// Code cells only: the cell's number (nil for code that is not a cell, such as the helpers).
        var executionCount: Int?
        var outputs: [Output] = []

        enum CodingKeys: String, CodingKey {
            case cellType = "cell_type"
            case id, source, metadata
            case executionCount = "execution_count"
            case outputs
        }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(kind, forKey: .cellType)
            try c.encode(id, forKey: .id)
            try c.encode(JupyterNotebook.lines(source), forKey: .source)
            try c.encode(metadata, forKey: .metadata)
            guard kind == .code else { return }
            // execution_count is required for code cells, null when it never ran.
            if let executionCount {
                try c.encode(executionCount, forKey: .executionCount)
            } else {
                try c.encodeNil(forKey: .executionCount)
            }
            try c.encode(outputs, forKey: .outputs)
        }
    }

    enum Output: Encodable {
        /// Printed text; `stderr` renders as a warning in Jupyter.
        case stream(name: String, text: String)
        /// Rich output: MIME type to content (`text/markdown`, `image/svg+xml`, always `text/plain`).
        case displayData([String: String])

        enum CodingKeys: String, CodingKey {
            case outputType = "output_type"
            case name, text, data, metadata
        }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .stream(let name, let text):
                try c.encode("stream", forKey: .outputType)
                try c.encode(name, forKey: .name)
                try c.encode(JupyterNotebook.lines(text), forKey: .text)
            case .displayData(let data):
                try c.encode("display_data", forKey: .outputType)
                try c.encode(data.mapValues(JupyterNotebook.lines), forKey: .data)
                try c.encode([String: JSONValue](), forKey: .metadata)
            }
        }
    }

    /// nbformat's multi-line string: a list of lines, each but the last
    /// ending in "\n" (what Jupyter writes, so that diffs are by line).
    static func lines(_ text: String) -> [String] {
        var out = text.components(separatedBy: "\n").map { $0 + "\n" }
        if let last = out.popLast(), last != "\n" { out.append(String(last.dropLast())) }
        return out
    }

    /// The file's text: keys sorted, one-space indent as nbformat writes it,
    /// and no time of export, so that exporting an unchanged cache gives the same bytes.
    func json() -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let text = String(decoding: (try? e.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
        return text + "\n"
    }
}

/// A JSON value of the notebook's metadata.
enum JSONValue: Encodable, Equatable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let v): try c.encode(v)
        case .int(let v): try c.encode(v)
        case .double(let v): try c.encode(v)
        case .bool(let v): try c.encode(v)
        case .null: try c.encodeNil()
        case .array(let v): try c.encode(v)
        case .object(let v): try c.encode(v)
        }
    }

    init(_ p: ParameterValue) {
        switch p {
        case .int(let v): self = .int(v)
        case .double(let v): self = .double(v)
        case .flag(let v): self = .bool(v)
        case .string(let v), .choice(let v, _): self = .string(v)
        }
    }
}
