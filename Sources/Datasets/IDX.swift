import Foundation

/// An IDX array of unsigned bytes (the MNIST file format): a shape and its
/// elements in row-major order.
///
/// Layout: two zero bytes, the type code (0x08 = unsigned byte), the rank r,
/// then r big-endian UInt32 dimensions, then the elements.
public struct IDXArray: Equatable, Sendable {
    public var shape: [Int]
    public var bytes: [UInt8]

    public init(shape: [Int], bytes: [UInt8]) {
        precondition(shape.reduce(1, *) == bytes.count, "shape \(shape) does not hold \(bytes.count) bytes")
        self.shape = shape
        self.bytes = bytes
    }

    /// Parses IDX bytes; `path` names the file in errors.
    public static func decode(_ data: Data, path: String) throws -> IDXArray {
        guard data.count >= 4 else {
            throw DatasetError.truncated(path: path, expectedBytes: 4, actualBytes: data.count)
        }
        let b = [UInt8](data)
        guard b[0] == 0, b[1] == 0 else { throw DatasetError.badMagic(path: path, found: Array(b[0..<4])) }
        guard b[2] == 0x08 else { throw DatasetError.unsupportedType(path: path, code: b[2]) }
        let rank = Int(b[3])
        guard rank >= 1 else { throw DatasetError.badMagic(path: path, found: Array(b[0..<4])) }
        let headerBytes = 4 + 4 * rank
        guard b.count >= headerBytes else {
            throw DatasetError.truncated(path: path, expectedBytes: headerBytes, actualBytes: b.count)
        }
        var shape: [Int] = []
        for d in 0..<rank {
            let o = 4 + 4 * d
            shape.append(Int(b[o]) << 24 | Int(b[o + 1]) << 16 | Int(b[o + 2]) << 8 | Int(b[o + 3]))
        }
        // The dimensions come from the file: their product may overflow.
        var elements = 1
        for d in shape {
            let (p, overflow) = elements.multipliedReportingOverflow(by: d)
            guard !overflow, p <= b.count else {
                throw DatasetError.unexpectedShape(
                    path: path, shape: shape, expected: "dimensions whose product fits the file's \(b.count) bytes")
            }
            elements = p
        }
        let expected = headerBytes + elements
        if b.count < expected {
            throw DatasetError.truncated(path: path, expectedBytes: expected, actualBytes: b.count)
        }
        if b.count > expected {
            throw DatasetError.trailingBytes(path: path, expectedBytes: expected, actualBytes: b.count)
        }
        return IDXArray(shape: shape, bytes: Array(b[headerBytes...]))
    }

    /// The IDX bytes of this array.
    public func encoded() -> Data {
        var out = Data([0, 0, 0x08, UInt8(shape.count)])
        for d in shape {
            out.append(contentsOf: [
                UInt8(truncatingIfNeeded: d >> 24), UInt8(truncatingIfNeeded: d >> 16),
                UInt8(truncatingIfNeeded: d >> 8), UInt8(truncatingIfNeeded: d),
            ])
        }
        out.append(contentsOf: bytes)
        return out
    }

    /// Reads an IDX file, inflating it first if it is gzip-compressed.
    public static func read(path: String) throws -> IDXArray {
        try decode(readUncompressed(path: path), path: path)
    }

    /// Writes an IDX file, gzip-compressed if `path` ends in `.gz`.
    public func write(path: String) throws {
        let raw = encoded()
        let data = path.hasSuffix(".gz") ? Gzip.deflate(raw) : raw
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}

/// The file's bytes, inflated when they are gzip.
public func readUncompressed(path: String) throws -> Data {
    guard FileManager.default.fileExists(atPath: path) else { throw DatasetError.missingFile(path: path) }
    let data: Data
    do {
        data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
    } catch {
        throw DatasetError.unreadable(path: path, reason: error.localizedDescription)
    }
    return Gzip.isGzip(data) ? try Gzip.inflate(data, path: path) : data
}
