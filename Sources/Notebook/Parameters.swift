import Foundation
import RunStore

/// A notebook parameter's type and value; `-p key=value` is parsed as the
/// default's type, and a cell reads it with the matching `ctx` accessor
/// (`int`, `double`, `flag`, `string`, `choice`).
public enum ParameterValue: Equatable, Sendable, CustomStringConvertible {
    /// A whole number.
    case int(Int)
    /// A real number (finite).
    case double(Double)
    /// Free text.
    case string(String)
    /// true or false (`-p name=true|false`, also yes/no, on/off, 1/0).
    case flag(Bool)
    /// One of a fixed list of names (the first value is the current one).
    case choice(String, among: [String])

    /// A choice among an enumeration's raw values, e.g. `.choice(AblationVariant.amsga)`.
    public static func choice<T: RawRepresentable & CaseIterable>(_ value: T) -> ParameterValue where T.RawValue == String {
        .choice(value.rawValue, among: T.allCases.map(\.rawValue))
    }

    public var description: String {
        switch self {
        case .int(let v): return String(v)
        case .double(let v): return String(v)
        case .string(let v): return v
        case .flag(let v): return String(v)
        case .choice(let v, _): return v
        }
    }

    /// What the type allows, for error messages and `amsga ls`.
    public var kind: String {
        switch self {
        case .int: return "a whole number"
        case .double: return "a number"
        case .string: return "text"
        case .flag: return "true or false"
        case .choice(_, let names): return "one of " + names.joined(separator: ", ")
        }
    }

    /// The parameters as one JSON object, sorted by name, each value as its
    /// JSON type (numbers, true/false, strings): the `parameters` attribute of
    /// every cell file, as run files have theirs.
    public static func json(_ values: [String: ParameterValue]) -> String {
        "{" + values.sorted { $0.key < $1.key }.map { jsonString($0.key) + ":" + $0.value.jsonValue }.joined(separator: ",") + "}"
    }

    var jsonValue: String {
        switch self {
        case .int(let v): return String(v)
        case .double(let v): return String(v)
        case .flag(let v): return String(v)
        case .string(let v), .choice(let v, _): return Self.jsonString(v)
        }
    }

    static func jsonString(_ s: String) -> String { CanonicalJSON.string(s) }

    /// The value of a numeric parameter, for range checks.
    var number: Double? {
        switch self {
        case .int(let v): return Double(v)
        case .double(let v): return v
        default: return nil
        }
    }

    /// Parses `text` as a value of the same type as `self`.
    public func parsing(_ text: String, name: String) throws -> ParameterValue {
        func refuse() -> NotebookError { NotebookError("parameter '\(name)' takes \(kind), got '\(text)'") }
        switch self {
        case .int:
            guard let v = Int(text) else { throw refuse() }
            return .int(v)
        case .double:
            guard let v = Double(text), v.isFinite else { throw refuse() }
            return .double(v)
        case .string:
            return .string(text)
        case .flag:
            switch text.lowercased() {
            case "true", "yes", "on", "1": return .flag(true)
            case "false", "no", "off", "0": return .flag(false)
            default: throw refuse()
            }
        case .choice(_, let names):
            guard names.contains(text) else { throw refuse() }
            return .choice(text, among: names)
        }
    }
}

/// What a numeric parameter may take (`-p` values outside it are refused before any cell runs).
public enum ParameterRange: Sendable, CustomStringConvertible {
    case atLeast(Double)
    case between(Double, Double)
    /// Strictly above: for quantities such as a learning rate that must be positive.
    case above(Double)

    func contains(_ v: Double) -> Bool {
        switch self {
        case .atLeast(let lo): return v >= lo
        case .between(let lo, let hi): return v >= lo && v <= hi
        case .above(let lo): return v > lo
        }
    }

    public var description: String {
        func text(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v) }
        switch self {
        case .atLeast(let lo): return "at least \(text(lo))"
        case .between(let lo, let hi): return "between \(text(lo)) and \(text(hi))"
        case .above(let lo): return "above \(text(lo))"
        }
    }
}
