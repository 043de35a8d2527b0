import Datasets
import Foundation

/// A notebook's parameters declared as a type: each `@Param` property is a
/// parameter, named by the property, its default the property's initial
/// value. A cell reads them as properties of the value it is handed, so a
/// misspelt name does not compile; every read is still recorded for the
/// cache key, as `-p name=value`, `amsga ls --json` and sweeps read the same
/// declaration.
///
///     struct Parameters: NotebookParameters {
///         @Param(.atLeast(1)) var epochs = 300
///         @Param(.atLeast(0)) var seed = 0
///     }
public protocol NotebookParameters: SendableMetatype {
    init()
    /// The parameter that numbers replicates (a seed), if any: a sweep point
    /// that sets only it publishes its runs as `<run>-s<value>` (how the
    /// figures over seeds group them), and a sweep's summary adds mean ± sd
    /// over it. The engine knows no parameter by name.
    static var replicate: KeyPath<Self, Int>? { get }
}

extension NotebookParameters {
    public static var replicate: KeyPath<Self, Int>? { nil }
}

/// A type a parameter can have: Int, Double, Bool, String, or an enumeration
/// of String raw values (a choice among its cases).
public protocol ParameterType {
    var parameterValue: ParameterValue { get }
    init?(parameterValue: ParameterValue)
}

extension Int: ParameterType {
    public var parameterValue: ParameterValue { .int(self) }
    public init?(parameterValue v: ParameterValue) {
        guard case .int(let x) = v else { return nil }
        self = x
    }
}

extension Double: ParameterType {
    public var parameterValue: ParameterValue { .double(self) }
    public init?(parameterValue v: ParameterValue) {
        guard case .double(let x) = v else { return nil }
        self = x
    }
}

extension Bool: ParameterType {
    public var parameterValue: ParameterValue { .flag(self) }
    public init?(parameterValue v: ParameterValue) {
        guard case .flag(let x) = v else { return nil }
        self = x
    }
}

extension String: ParameterType {
    public var parameterValue: ParameterValue { .string(self) }
    public init?(parameterValue v: ParameterValue) {
        guard case .string(let x) = v else { return nil }
        self = x
    }
}

/// `-p dataset=mnist` or `fashion-mnist`.
extension DatasetName: ParameterType {}

extension ParameterType where Self: RawRepresentable & CaseIterable, RawValue == String {
    public var parameterValue: ParameterValue { .choice(self) }
    public init?(parameterValue v: ParameterValue) {
        guard case .choice(let x, _) = v, let value = Self(rawValue: x) else { return nil }
        self = value
    }
}

/// One declared parameter. The notebook names it after its property and, for
/// each cell that runs, sets its value from the parameter set and the reader
/// that records what the cell read.
@propertyWrapper
public final class Param<Value: ParameterType>: AnyParam {
    public let range: ParameterRange?
    let defaultValue: Value
    var current: Value
    var name = ""
    var reader: ((String, ParameterValue) -> Void)?

    public init(wrappedValue: Value, _ range: ParameterRange? = nil) {
        defaultValue = wrappedValue
        current = wrappedValue
        self.range = range
    }

    public var wrappedValue: Value {
        reader?(name, current.parameterValue)
        return current
    }

    var defaultParameterValue: ParameterValue { defaultValue.parameterValue }

    func set(_ value: ParameterValue) throws {
        guard let v = Value(parameterValue: value) else {
            throw NotebookError("parameter '\(name)' is \(defaultParameterValue.kind), got \(value)")
        }
        current = v
    }
}

/// What the notebook needs of a `Param` without knowing its value type.
protocol AnyParam: AnyObject {
    var name: String { get set }
    var range: ParameterRange? { get }
    var defaultParameterValue: ParameterValue { get }
    var reader: ((String, ParameterValue) -> Void)? { get set }
    func set(_ value: ParameterValue) throws
}

extension NotebookParameters {
    /// The `@Param`s of `value`, each named after its property, in declaration order.
    static func params(of value: Self) -> [AnyParam] {
        Mirror(reflecting: value).children.compactMap { child in
            guard let p = child.value as? AnyParam, let label = child.label else { return nil }
            p.name = label.hasPrefix("_") ? String(label.dropFirst()) : label
            return p
        }
    }

    /// The declared parameters with their defaults.
    static func declared() -> [AnyParam] { params(of: Self()) }

    /// A value holding `values`, whose every read is reported to `reader`.
    static func bound(to values: [String: ParameterValue], reader: @escaping (String, ParameterValue) -> Void) throws -> Self {
        let value = Self()
        for p in params(of: value) {
            guard let v = values[p.name] else { throw NotebookError("no value for parameter '\(p.name)'") }
            try p.set(v)
            p.reader = reader
        }
        return value
    }

    /// The name of the parameter `keyPath` reads (found by reading it).
    static func name<V>(of keyPath: KeyPath<Self, V>) -> String {
        var read: String?
        let value = Self()
        for p in params(of: value) { p.reader = { name, _ in read = name } }
        _ = value[keyPath: keyPath]
        guard let read else { preconditionFailure("\(keyPath) is not a @Param of \(Self.self)") }
        return read
    }
}

/// One parameter of a sweep's point, by key path: `Assign(\.seed, 2)`.
public struct Assign<P: NotebookParameters> {
    let name: String
    let value: ParameterValue

    public init<V: ParameterType>(_ keyPath: KeyPath<P, V>, _ value: V) {
        name = P.name(of: keyPath)
        self.value = value.parameterValue
    }

    /// The points of a grid: every combination of the axes' values, the last varying fastest.
    public static func grid(_ axes: [[Assign<P>]]) -> [[Assign<P>]] {
        axes.reduce([[]]) { partial, axis in partial.flatMap { p in axis.map { p + [$0] } } }
    }
}
