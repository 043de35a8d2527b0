import CZlib
import Foundation

/// gzip through zlib: inflate any gzip (or zlib) stream, including several
/// concatenated members; deflate to a gzip stream.
public enum Gzip {
    /// Whether `data` starts with the gzip magic bytes 1f 8b.
    public static func isGzip(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1F && data[data.startIndex + 1] == 0x8B
    }

    /// Inflates `data`; `path` names the file in errors.
    public static func inflate(_ data: Data, path: String) throws -> Data {
        var stream = z_stream()
        // 15 + 32: a 32 KiB window, and detect gzip or zlib headers automatically.
        guard amsga_inflateInit2(&stream, 15 + 32) == Z_OK else {
            throw DatasetError.badGzip(path: path, reason: "zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }
        var out = Data()
        let chunk = 1 << 20
        var buffer = [UInt8](repeating: 0, count: chunk)
        try data.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
            guard let base = input.bindMemory(to: Bytef.self).baseAddress else {
                throw DatasetError.badGzip(path: path, reason: "the file is empty")
            }
            stream.next_in = UnsafeMutablePointer(mutating: base)
            stream.avail_in = uInt(input.count)
            while true {
                let status: Int32 = buffer.withUnsafeMutableBufferPointer { b in
                    stream.next_out = b.baseAddress
                    stream.avail_out = uInt(chunk)
                    return CZlib.inflate(&stream, Z_NO_FLUSH)
                }
                out.append(contentsOf: buffer[0..<chunk - Int(stream.avail_out)])
                switch status {
                case Z_STREAM_END:
                    // Another gzip member may follow (as `gzip -c a b` writes).
                    if stream.avail_in == 0 { return }
                    guard inflateReset(&stream) == Z_OK else {
                        throw DatasetError.badGzip(path: path, reason: "cannot read the next gzip member")
                    }
                case Z_OK, Z_BUF_ERROR:
                    // Output space left over with no input left: the stream stops mid-way.
                    if stream.avail_in == 0 && stream.avail_out > 0 {
                        throw DatasetError.badGzip(path: path, reason: "the stream ends early (truncated file)")
                    }
                    if status == Z_BUF_ERROR {
                        throw DatasetError.badGzip(path: path, reason: "no progress possible (corrupt data)")
                    }
                default:
                    let msg = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    throw DatasetError.badGzip(path: path, reason: msg)
                }
            }
        }
        return out
    }

    /// Deflates `data` into a single gzip member.
    public static func deflate(_ data: Data, level: Int32 = 6) -> Data {
        var stream = z_stream()
        precondition(amsga_deflateInit2(&stream, level, 15 + 16) == Z_OK, "zlib deflateInit2 failed")
        defer { deflateEnd(&stream) }
        var out = Data()
        let chunk = 1 << 20
        var buffer = [UInt8](repeating: 0, count: chunk)
        data.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
            stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(input.count)
            var status: Int32 = Z_OK
            repeat {
                status = buffer.withUnsafeMutableBufferPointer { b in
                    stream.next_out = b.baseAddress
                    stream.avail_out = uInt(chunk)
                    return CZlib.deflate(&stream, Z_FINISH)
                }
                out.append(contentsOf: buffer[0..<chunk - Int(stream.avail_out)])
            } while status == Z_OK || status == Z_BUF_ERROR
            precondition(status == Z_STREAM_END, "zlib deflate failed with \(status)")
        }
        return out
    }
}
