import Foundation

/// The cartesian grid of `-p name=v1,v2,…` and `-p name=a..b` options over a
/// notebook's parameters: every point a full set of overrides, in the order the
/// options were given, the last varying fastest.
public struct ParameterGrid: Sendable {
    /// Each swept parameter with its values as the notebook parses them.
    public let axes: [(name: String, values: [ParameterValue])]

    public init(notebook: Notebook, options: [String]) throws {
        var axes: [(String, [ParameterValue])] = []
        for option in options {
            let (name, text, kind) = try notebook.declaredParameter(option, write: "name=value, name=v1,v2 or name=a..b")
            guard !axes.contains(where: { $0.0 == name }) else {
                throw NotebookError("parameter '\(name)' is given twice; list its values once: \(name)=v1,v2")
            }
            let values = try Self.values(text, of: name, like: kind).map { try notebook.checked($0, name: name) }
            axes.append((name, values))
        }
        self.axes = axes.map { (name: $0.0, values: $0.1) }
    }

    /// `0,1,2`, `0..4` (whole numbers, both ends included), or one value.
    static func values(_ text: String, of name: String, like kind: ParameterValue) throws -> [ParameterValue] {
        guard !text.isEmpty else {
            throw NotebookError("parameter '\(name)' has no values: write \(name)=0,1,2 or \(name)=0..4")
        }
        if let range = text.range(of: "..") {
            let lo = Int(text[..<range.lowerBound])
            let hi = Int(text[range.upperBound...])
            guard case .int = kind else {
                throw NotebookError(
                    "range '\(text)' of parameter '\(name)': ranges are for whole-number parameters; list the values: \(name)=a,b")
            }
            guard let lo, let hi else {
                throw NotebookError("range '\(text)' of parameter '\(name)' needs whole numbers at both ends, e.g. \(name)=0..4")
            }
            guard lo <= hi else { throw NotebookError("range '\(text)' of parameter '\(name)' is empty: its start is above its end") }
            return (lo...hi).map { .int($0) }
        }
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        if let blank = items.firstIndex(where: \.isEmpty) {
            throw NotebookError("parameter '\(name)': value \(blank + 1) of '\(text)' is empty")
        }
        let values = try items.map { try kind.parsing($0, name: name) }
        var seen = Set<String>()
        for v in values where !seen.insert(v.description).inserted {
            throw NotebookError("parameter '\(name)' lists \(v) twice in '\(text)'")
        }
        return values
    }

    /// Every point: one override string `name=value` per swept parameter.
    public var points: [[String]] {
        axes.reduce([[]]) { partial, axis in
            partial.flatMap { p in axis.values.map { p + ["\(axis.name)=\($0)"] } }
        }
    }

    /// A short name for the grid, e.g. `seed=0,1,2_epochs=4,8` (file-name safe).
    public var label: String {
        ParameterSetLabel.sanitise(
            axes.map { "\($0.name)=" + $0.values.map(\.description).joined(separator: ",") }
                .joined(separator: "_"))
    }
}

/// File-name-safe labels for parameter sets (the folders of their outputs).
public enum ParameterSetLabel {
    /// Letters, digits and `.,=+-_` kept; anything else, or a label too long
    /// for a file name, gets a hash suffix so that two sets never share a name.
    public static func sanitise(_ text: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,=+-_")
        let clean = String(text.map { allowed.contains($0) ? $0 : "_" })
        if clean == text && text.count <= 96 && !text.hasPrefix(".") { return text }
        return String(clean.prefix(64)) + "-" + CellState.sha256(text).prefix(12)
    }
}
