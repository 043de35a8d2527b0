import Foundation

/// The one JSON encoding of the project's files and listings: keys sorted, so
/// that equal values give equal bytes and their SHA-256 can name them (a run's
/// configuration, a cell's recorded inputs, the library's digests), and
/// slashes left as they are (paths read as paths).
public enum CanonicalJSON {
    public static func string<T: Encodable>(_ value: T) -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a value made of strings, numbers and containers cannot fail.
        return String(decoding: (try? e.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }
}
