import Datasets
import Foundation
import Testing

@Suite("IDX files and gzip")
struct IDXTests {
    let array = IDXArray(shape: [3, 2, 2], bytes: (0..<12).map { UInt8($0 * 20) })

    @Test("Round trip through plain and gzip files", arguments: ["a.idx", "a.idx.gz"])
    func roundTrip(name: String) throws {
        let path = try temporaryFolder() + "/" + name
        try array.write(path: path)
        let raw = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(Gzip.isGzip(raw) == name.hasSuffix(".gz"))
        #expect(try IDXArray.read(path: path) == array)
    }

    @Test("gzip of several members inflates to their concatenation")
    func multiMember() throws {
        let a = Data("hello ".utf8)
        let b = Data("world".utf8)
        let joined = Gzip.deflate(a) + Gzip.deflate(b)
        #expect(try Gzip.inflate(joined, path: "x") == a + b)
    }

    @Test("A missing file is named")
    func missing() {
        #expect(throws: DatasetError.missingFile(path: "/nonexistent/f")) { try IDXArray.read(path: "/nonexistent/f") }
    }

    @Test("A wrong magic number is reported with the bytes found")
    func badMagic() throws {
        let path = try temporaryFolder() + "/bad"
        try Data([0x50, 0x4B, 3, 4, 0, 0, 0, 0]).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: DatasetError.self) { try IDXArray.read(path: path) }
        #expect(error == .badMagic(path: path, found: [0x50, 0x4B, 3, 4]))
        #expect(error?.description.contains(path) == true)
    }

    @Test("An element type other than unsigned byte is refused")
    func badType() throws {
        let path = try temporaryFolder() + "/floats"
        try Data([0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0]).write(to: URL(fileURLWithPath: path))
        #expect(throws: DatasetError.unsupportedType(path: path, code: 0x0D)) { try IDXArray.read(path: path) }
    }

    @Test("A truncated file states how many bytes it lacks")
    func truncated() throws {
        let path = try temporaryFolder() + "/short"
        try array.encoded().dropLast(5).write(to: URL(fileURLWithPath: path))
        #expect(throws: DatasetError.truncated(path: path, expectedBytes: 28, actualBytes: 23)) {
            try IDXArray.read(path: path)
        }
    }

    @Test("Bytes past the end of the array are refused")
    func trailing() throws {
        let path = try temporaryFolder() + "/long"
        try (array.encoded() + Data([1, 2])).write(to: URL(fileURLWithPath: path))
        #expect(throws: DatasetError.trailingBytes(path: path, expectedBytes: 28, actualBytes: 30)) {
            try IDXArray.read(path: path)
        }
    }

    @Test("A gzip stream that does not inflate: truncated, and corrupt")
    func badGzip() throws {
        let dir = try temporaryFolder()
        let gz = Gzip.deflate(Data(repeating: 7, count: 100_000) + array.encoded())
        let cut = dir + "/cut.gz"
        let bad = dir + "/bad.gz"
        try gz.prefix(gz.count / 2).write(to: URL(fileURLWithPath: cut))
        var corrupt = gz
        for i in 12..<40 { corrupt[i] ^= 0xA5 }
        try corrupt.write(to: URL(fileURLWithPath: bad))
        for path in [cut, bad] {
            let error = #expect(throws: DatasetError.self) { try IDXArray.read(path: path) }
            guard case .badGzip(let p, _) = error else {
                Issue.record("expected badGzip, got \(String(describing: error))")
                continue
            }
            #expect(p == path)
        }
    }
}
