import Foundation
import Tensor

/// Images as rows of a matrix (one flattened 28×28 image per row) with their labels.
public struct ImageSet: Sendable {
    public var images: Matrix<Float>
    public var labels: [UInt8]
    public var count: Int { labels.count }

    public init(images: Matrix<Float>, labels: [UInt8]) {
        precondition(images.rows == labels.count, "\(images.rows) images, \(labels.count) labels")
        self.images = images
        self.labels = labels
    }

    /// Reads an image file and its label file, checking that they belong
    /// together; pixels are scaled to [0, 1].
    public static func read(images imagePath: String, labels labelPath: String) throws -> ImageSet {
        let img = try IDXArray.read(path: imagePath)
        let lab = try IDXArray.read(path: labelPath)
        guard img.shape.count == 3, img.shape[1] > 0, img.shape[2] > 0 else {
            throw DatasetError.unexpectedShape(path: imagePath, shape: img.shape, expected: "N×rows×cols")
        }
        guard lab.shape.count == 1 else {
            throw DatasetError.unexpectedShape(path: labelPath, shape: lab.shape, expected: "N")
        }
        guard img.shape[0] == lab.shape[0] else {
            throw DatasetError.countMismatch(images: imagePath, imageCount: img.shape[0],
                                             labels: labelPath, labelCount: lab.shape[0])
        }
        if let bad = lab.bytes.firstIndex(where: { $0 > 9 }) {
            throw DatasetError.labelOutOfRange(path: labelPath, index: bad, label: lab.bytes[bad])
        }
        let n = img.shape[0], d = img.shape[1] * img.shape[2]
        var m = Matrix<Float>(rows: n, cols: d)
        img.bytes.withUnsafeBufferPointer { src in
            m.storage.withUnsafeMutableBufferPointer { dst in
                for i in 0 ..< n * d { dst[i] = Float(src[i]) * (1 / 255) }
            }
        }
        return ImageSet(images: m, labels: lab.bytes)
    }

    /// The images at `indices`, in that order.
    public func subset(_ indices: [Int]) -> ImageSet {
        ImageSet(images: images.gathering(rows: indices), labels: indices.map { labels[$0] })
    }

    /// How many images of each class 0–9.
    public var classCounts: [Int] {
        var c = [Int](repeating: 0, count: 10)
        for l in labels { c[Int(l)] += 1 }
        return c
    }
}
