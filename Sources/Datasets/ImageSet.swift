import Foundation
import Tensor

/// Images as rows of a matrix (one flattened 28×28 image per row) with their labels.
///
/// Images read from IDX files keep their pixel bytes and a table of what each
/// byte value stands for (scaled, then standardised): a quarter of the memory of
/// floats, and every value exactly the float it would have been, since each is
/// the table's entry computed by the same arithmetic. Sets made from floats
/// (tests) keep the floats.
public struct ImageSet: Sendable {
    enum Pixels: Sendable {
        case floats(Matrix<Float>)
        /// Row-major pixel bytes and the value of each byte.
        case coded([UInt8], table: [Float])
    }

    var pixels: Pixels
    public var labels: [UInt8]
    /// Pixels per image.
    public let cols: Int
    public var count: Int { labels.count }

    public init(images: Matrix<Float>, labels: [UInt8]) {
        precondition(images.rows == labels.count, "\(images.rows) images, \(labels.count) labels")
        pixels = .floats(images)
        self.labels = labels
        cols = images.cols
    }

    init(codes: [UInt8], table: [Float], cols: Int, labels: [UInt8]) {
        precondition(
            codes.count == cols * labels.count && table.count == 256, "\(codes.count) pixel bytes for \(labels.count) images of \(cols)")
        pixels = .coded(codes, table: table)
        self.labels = labels
        self.cols = cols
    }

    /// The images as a float matrix (a new matrix for a set read from files:
    /// code that runs often copies rows with `copyRows` instead).
    public var images: Matrix<Float> {
        switch pixels {
        case .floats(let m): return m
        case .coded:
            var m = Matrix<Float>(rows: count, cols: cols)
            m.storage.withUnsafeMutableBufferPointer { copyRows(0..<count, into: $0.baseAddress!) }
            return m
        }
    }

    /// Rows `range` as floats, row after row, into `dst`.
    public func copyRows(_ range: Range<Int>, into dst: UnsafeMutablePointer<Float>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "rows \(range) of \(count)")
        switch pixels {
        case .floats(let m):
            m.storage.withUnsafeBufferPointer { dst.update(from: $0.baseAddress! + range.lowerBound * cols, count: range.count * cols) }
        case .coded(let codes, let table):
            codes.withUnsafeBufferPointer { c in
                table.withUnsafeBufferPointer { t in
                    let src = c.baseAddress! + range.lowerBound * cols
                    for i in 0..<range.count * cols { dst[i] = t[Int(src[i])] }
                }
            }
        }
    }

    /// The images at `indices`, in that order, as floats.
    public func gathering(rows indices: [Int]) -> Matrix<Float> {
        var m = Matrix<Float>(rows: indices.count, cols: cols)
        m.storage.withUnsafeMutableBufferPointer { p in
            for (k, i) in indices.enumerated() { copyRows(i..<i + 1, into: p.baseAddress! + k * cols) }
        }
        return m
    }

    /// Every value mapped by `f` (`f` sees each value once per byte for a set read from files).
    mutating func mapValues(_ f: (Float) -> Float) {
        switch pixels {
        case .floats(var m):
            m.storage.withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] = f(p[i]) } }
            pixels = .floats(m)
        case .coded(let codes, let table):
            pixels = .coded(codes, table: table.map(f))
        }
    }

    /// Reads an image file and its label file, checking that they belong
    /// together; pixels are scaled to [0, 1].
    public static func read(images imagePath: String, labels labelPath: String) throws -> ImageSet {
        try make(images: try IDXArray.read(path: imagePath), from: imagePath, labels: try IDXArray.read(path: labelPath), from: labelPath)
    }

    /// An image set from a decoded image file and label file (paths name them in errors).
    static func make(images img: IDXArray, from imagePath: String, labels lab: IDXArray, from labelPath: String) throws -> ImageSet {
        guard img.shape.count == 3, img.shape[1] > 0, img.shape[2] > 0 else {
            throw DatasetError.unexpectedShape(path: imagePath, shape: img.shape, expected: "N×rows×cols")
        }
        guard lab.shape.count == 1 else {
            throw DatasetError.unexpectedShape(path: labelPath, shape: lab.shape, expected: "N")
        }
        guard img.shape[0] == lab.shape[0] else {
            throw DatasetError.countMismatch(
                images: imagePath, imageCount: img.shape[0],
                labels: labelPath, labelCount: lab.shape[0])
        }
        if let bad = lab.bytes.firstIndex(where: { $0 > 9 }) {
            throw DatasetError.labelOutOfRange(path: labelPath, index: bad, label: lab.bytes[bad])
        }
        let d = img.shape[1] * img.shape[2]
        return ImageSet(codes: img.bytes, table: (0..<256).map { Float($0) * (1 / 255) }, cols: d, labels: lab.bytes)
    }

    /// The images at `indices`, in that order.
    public func subset(_ indices: [Int]) -> ImageSet {
        let labels = indices.map { self.labels[$0] }
        switch pixels {
        case .floats(let m): return ImageSet(images: m.gathering(rows: indices), labels: labels)
        case .coded(let codes, let table):
            var picked = [UInt8](repeating: 0, count: indices.count * cols)
            picked.withUnsafeMutableBufferPointer { dst in
                codes.withUnsafeBufferPointer { src in
                    for (k, i) in indices.enumerated() {
                        (dst.baseAddress! + k * cols).update(from: src.baseAddress! + i * cols, count: cols)
                    }
                }
            }
            return ImageSet(codes: picked, table: table, cols: cols, labels: labels)
        }
    }

    /// How many images of each class 0–9.
    public var classCounts: [Int] {
        var c = [Int](repeating: 0, count: 10)
        for l in labels { c[Int(l)] += 1 }
        return c
    }
}
