/// Everything that can be wrong with a data file, each naming the file and the problem.
public enum DatasetError: Error, CustomStringConvertible, Equatable {
    case missingFile(path: String)
    case unreadable(path: String, reason: String)
    case badMagic(path: String, found: [UInt8])
    case unsupportedType(path: String, code: UInt8)
    case truncated(path: String, expectedBytes: Int, actualBytes: Int)
    case trailingBytes(path: String, expectedBytes: Int, actualBytes: Int)
    case badGzip(path: String, reason: String)
    case countMismatch(images: String, imageCount: Int, labels: String, labelCount: Int)
    case labelOutOfRange(path: String, index: Int, label: UInt8)
    case unexpectedShape(path: String, shape: [Int], expected: String)
    case checksumMismatch(path: String, expected: String, actual: String)
    case notFound(dataset: String, searched: [String])
    case incompleteFolder(dataset: String, folder: String, missing: [String])
    case download(url: String, reason: String)

    public var description: String {
        switch self {
        case .missingFile(let p): return "\(p): no such file"
        case .unreadable(let p, let r): return "\(p): cannot be read (\(r))"
        case .badMagic(let p, let f):
            return
                "\(p): not an IDX file (magic number \(f.map { String(format2: $0) }.joined(separator: " ")), expected 00 00 <type> <rank>)"
        case .unsupportedType(let p, let c):
            return "\(p): IDX element type 0x\(String(format2: c)) is not supported (only 0x08, unsigned byte)"
        case .truncated(let p, let e, let a):
            return "\(p): truncated: the header promises \(e) bytes, the file holds \(a)"
        case .trailingBytes(let p, let e, let a):
            return "\(p): \(a - e) unexpected bytes after the \(e) the header describes"
        case .badGzip(let p, let r): return "\(p): gzip stream does not inflate: \(r)"
        case .countMismatch(let i, let ic, let l, let lc):
            return "\(i) holds \(ic) images but \(l) holds \(lc) labels"
        case .labelOutOfRange(let p, let i, let l):
            return "\(p): label \(l) at index \(i) is outside 0–9"
        case .unexpectedShape(let p, let s, let e):
            return "\(p): shape \(s.map(String.init).joined(separator: "×")), expected \(e)"
        case .checksumMismatch(let p, let e, let a):
            return "\(p): SHA-256 of the uncompressed content is \(a), expected \(e)"
        case .notFound(let d, let s):
            return "\(d) not found; looked in: \(s.joined(separator: ", ")). "
                + "Pass --data DIR or set AMSGA_DATA to a folder holding \(d)/"
        case .incompleteFolder(let d, let f, let m):
            return "\(f): \(d) is incomplete: no \(m.map { "\($0)(.gz)" }.joined(separator: ", ")). "
                + "Complete it, or remove the folder to use another copy"
        case .download(let u, let r): return "download of \(u) failed: \(r)"
        }
    }
}

extension String {
    /// Two hex digits.
    init(format2 byte: UInt8) {
        let s = String(byte, radix: 16)
        self = s.count == 1 ? "0" + s : s
    }
}
