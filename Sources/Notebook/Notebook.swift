import Foundation

public struct NotebookError: Error, CustomStringConvertible {
    public let description: String
    public init(_ message: String) { description = message }
}

/// A numbered, named cell: its code runs with a context that is its only way
/// to read parameters, other cells' state and data, and to save its own.
public struct Cell: Sendable {
    public let name: String
    /// The line of its `nb.cell(` in the notebook file: where its source text starts.
    public let line: Int
    public let body: @Sendable (CellContext) throws -> Void
    /// What can be checked of the cell before any cell runs, from the
    /// parameter set alone (a training cell's configuration); nil when nothing.
    let check: (@Sendable ([String: ParameterValue]) throws -> Void)?

    init(
        _ name: String, line: Int, check: (@Sendable ([String: ParameterValue]) throws -> Void)?,
        _ body: @escaping @Sendable (CellContext) throws -> Void
    ) {
        self.name = name
        self.line = line
        self.check = check
        self.body = body
    }
}

/// A literate notebook: parameters declared once, then cells in order.
public struct Notebook: Sendable {
    public let name: String
    public let file: String
    public let parameters: [(name: String, value: ParameterValue)]
    /// The ranges of the numeric parameters that have one.
    public let ranges: [String: ParameterRange]
    /// The parameter that numbers replicates (`NotebookParameters.replicate`); nil for none.
    public let replicate: String?
    public let cells: [Cell]

    /// A range on a parameter that is not numeric, or a default outside its range, is a programming error.
    func checkDefaults() {
        for (p, r) in ranges {
            guard let v = parameters.first(where: { $0.name == p })?.value.number else {
                preconditionFailure("notebook '\(name)': range for '\(p)', which is not a numeric parameter")
            }
            precondition(r.contains(v), "notebook '\(name)': the default \(p)=\(v) is not \(r)")
        }
    }

    /// The same notebook read from another copy of its source file (tests edit copies).
    public func readingSource(from file: String) -> Notebook {
        Notebook(name: name, file: file, parameters: parameters, ranges: ranges, replicate: replicate, cells: cells)
    }

    /// `text` parsed as parameter `name`'s type and checked against its range.
    func value(_ text: String, of name: String, like kind: ParameterValue) throws -> ParameterValue {
        try checked(try kind.parsing(text, name: name), name: name)
    }

    /// `v` when parameter `name` has no range or `v` is in it.
    func checked(_ v: ParameterValue, name: String) throws -> ParameterValue {
        if let x = v.number, let r = ranges[name], !r.contains(x) {
            throw NotebookError("parameter '\(name)' must be \(r), got \(v)")
        }
        return v
    }

    /// The cell named `text`, or numbered `text` (1-based).
    public func cell(_ text: String) throws -> Int {
        if let n = Int(text), (1...cells.count).contains(n) { return n - 1 }
        if let i = cells.firstIndex(where: { $0.name.lowercased() == text.lowercased() }) { return i }
        throw NotebookError(
            "notebook '\(name)' has no cell '\(text)'; its cells: "
                + cells.enumerated().map { "\($0.offset + 1) \($0.element.name)" }.joined(separator: ", "))
    }

    /// Defaults overridden by `key=value` strings.
    public func resolveParameters(_ overrides: [String]) throws -> [String: ParameterValue] {
        var values = Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0.value) })
        for o in overrides {
            let (key, text, current) = try declaredParameter(o, write: "key=value")
            values[key] = try value(text, of: key, like: current)
        }
        return values
    }

    /// `name=text` split, with the parameter's default; an error names what is wrong.
    func declaredParameter(_ option: String, write form: String) throws -> (name: String, text: String, default: ParameterValue) {
        guard let eq = option.firstIndex(of: "="), eq != option.startIndex else {
            throw NotebookError("malformed parameter '\(option)': write \(form)")
        }
        let key = String(option[..<eq])
        let text = String(option[option.index(after: eq)...])
        guard let value = parameters.first(where: { $0.name == key })?.value else {
            throw NotebookError(
                "notebook '\(name)' has no parameter '\(key)'; its parameters: "
                    + parameters.map { "\($0.name) (default \($0.value))" }.joined(separator: ", "))
        }
        return (key, text, value)
    }
}
