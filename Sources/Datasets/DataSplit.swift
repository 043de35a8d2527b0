import Foundation
import Tensor

/// The data of one experiment (docs/reading.md, "Data"): 50,000 training images
/// drawn by a seeded permutation of the 60,000, the other 10,000 as validation,
/// the 10,000 test images; all standardised with the training split's mean and
/// standard deviation.
public struct DataSplit: Sendable {
    public var dataset: DatasetName
    public var train: ImageSet
    public var validation: ImageSet
    public var test: ImageSet
    /// Mean and standard deviation of the training split's pixels in [0, 1].
    public var mean: Float
    public var std: Float
    /// The value written at the label's pixel: the maximum of the standardised
    /// training split, a constant so that the overlay does not depend on the batch.
    public var overlayValue: Float
    /// Indices into the original 60,000 of the training and validation images.
    public var trainIndices: [Int]
    public var validationIndices: [Int]
    /// Where the files were read from, with their digests (nil for splits tests make).
    public var source: DataSource?

    public static let trainCount = 50_000

    /// Loads and splits a dataset. `trainSize` (optional) keeps a seeded subset
    /// of the training split, for quick runs; validation and test stay whole
    /// unless `evalSize` limits them too.
    public static func load(
        _ dataset: DatasetName, locator: DataLocator = DataLocator(), seed: UInt64,
        trainSize: Int? = nil, evalSize: Int? = nil
    ) throws -> DataSplit {
        let folder = try locator.folder(for: dataset)
        func path(_ p: DatasetName.Part) -> String { DataLocator.file(p, in: folder)! }
        var files: [DataSource.File] = []
        func read(_ p: DatasetName.Part) throws -> IDXArray {
            let data = try readUncompressed(path: path(p))
            files.append(DataSource.File(part: p, path: path(p), sha256: Verification.sha256Hex(data)))
            return try IDXArray.decode(data, path: path(p))
        }
        var split = try {
            let full = try ImageSet.make(
                images: read(.trainImages), from: path(.trainImages), labels: read(.trainLabels), from: path(.trainLabels))
            let test = try ImageSet.make(
                images: read(.testImages), from: path(.testImages), labels: read(.testLabels), from: path(.testLabels))
            return try make(dataset, full: full, test: test, seed: seed, trainSize: trainSize, evalSize: evalSize)
        }()
        split.source = DataSource(dataset: dataset, folder: URL(fileURLWithPath: folder).standardizedFileURL.path, files: files)
        // Reading and splitting freed about twice the split's size; give it back
        // rather than keep it (`HeapReuse` keeps freed blocks otherwise).
        HeapReuse.releaseFree()
        return split
    }

    /// Splits already-read images (tests build small ones).
    public static func make(
        _ dataset: DatasetName, full: ImageSet, test: ImageSet, seed: UInt64,
        trainCount: Int? = nil, trainSize: Int? = nil, evalSize: Int? = nil
    ) throws -> DataSplit {
        let nTrain = trainCount ?? min(Self.trainCount, full.count * 5 / 6)
        var rng = Xoshiro256StarStar(seed: seed, stream: "split")
        let perm = rng.permutation(full.count)
        var trainIdx = Array(perm[..<nTrain])
        var valIdx = Array(perm[nTrain...])
        // Statistics of the whole training split, before any --train-size subset,
        // so that a quick run sees the same pixel values as a full one.
        let (mean, std, maxPixel) = statistics(full, rows: trainIdx)
        guard std > 0 else { throw DataSplitError(message: "training images have zero variance") }
        if let s = trainSize {
            guard s > 0, s <= trainIdx.count else {
                throw DataSplitError(message: "train size \(s) must be between 1 and \(trainIdx.count)")
            }
            trainIdx = Array(trainIdx[..<s])
        }
        var testSet = test
        if let e = evalSize {
            guard e > 0 else { throw DataSplitError(message: "eval size \(e) must be positive") }
            valIdx = Array(valIdx.prefix(e))
            testSet = test.subset(Array(0..<min(e, test.count)))
        }
        var train = full.subset(trainIdx)
        var validation = full.subset(valIdx)
        standardise(&train, mean: mean, std: std)
        standardise(&validation, mean: mean, std: std)
        standardise(&testSet, mean: mean, std: std)
        let maxValue = (maxPixel - mean) / std
        return DataSplit(
            dataset: dataset, train: train, validation: validation, test: testSet,
            mean: mean, std: std, overlayValue: maxValue,
            trainIndices: trainIdx, validationIndices: valIdx)
    }

    /// Mean, (population) standard deviation and maximum of the given rows'
    /// values, the sums accumulated in Double.
    static func statistics(_ set: ImageSet, rows: [Int]) -> (mean: Float, std: Float, max: Float) {
        var s = 0.0
        var s2 = 0.0
        var mx = -Float.infinity
        let row = UnsafeMutablePointer<Float>.allocate(capacity: set.cols)
        defer { row.deallocate() }
        for i in rows {
            set.copyRows(i..<i + 1, into: row)
            var rs: Float = 0
            for j in 0..<set.cols {
                rs += row[j]
                mx = max(mx, row[j])
            }
            s += Double(rs)
            s2 += Double(RowKernels.sumOfSquares(row, set.cols))
        }
        let n = Double(max(rows.count * set.cols, 1))
        let mean = s / n
        return (Float(mean), Float(max(s2 / n - mean * mean, 0).squareRoot()), mx)
    }

    static func standardise(_ set: inout ImageSet, mean: Float, std: Float) {
        let inv = 1 / std
        set.mapValues { ($0 - mean) * inv }
    }
}

/// The folder a split was read from and each file's SHA-256 (of its
/// uncompressed content, as `amsga data verify` computes it).
public struct DataSource: Sendable, Equatable {
    public struct File: Sendable, Equatable {
        public var part: DatasetName.Part
        public var path: String
        public var sha256: String
    }

    public var dataset: DatasetName
    /// Absolute.
    public var folder: String
    public var files: [File]

    /// Whether every file matches the published digest of its dataset.
    public var matchesPublishedDigests: Bool { files.allSatisfy { $0.sha256 == dataset.sha256($0.part) } }

    /// One line for a log: where, and whether the digests matched.
    public var summary: String {
        "\(dataset.rawValue) read from \(folder) (\(files.count) files; SHA-256 "
            + (matchesPublishedDigests
                ? "matches the published digests)" : "DOES NOT match the published digests: not the published dataset)")
    }

    /// `{"dataset": …, "folder": …, "files": {"train-images-idx3-ubyte": "<sha256>", …}, "published": true}`,
    /// for run files and cell states.
    public var json: String {
        let object: [String: Any] = [
            "dataset": dataset.rawValue, "folder": folder, "published": matchesPublishedDigests,
            "files": Dictionary(uniqueKeysWithValues: files.map { ($0.part.rawValue, $0.sha256) }),
        ]
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

public struct DataSplitError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// The label overlay of docs/reading.md: the first 10 pixels set to 0, pixel
/// `label` set to `value`.
public enum LabelOverlay {
    public static let classes = 10

    @inlinable
    public static func apply(_ row: UnsafeMutablePointer<Float>, label: Int, value: Float) {
        row.update(repeating: 0, count: classes)
        row[label] = value
    }

    /// No label: every label pixel at `value` / 10 (Hinton's script's neutral label).
    @inlinable
    public static func applyNeutral(_ row: UnsafeMutablePointer<Float>, value: Float) {
        row.update(repeating: value / Float(classes), count: classes)
    }

    /// A copy of `images` with `labels[i]` overlaid on row i.
    public static func overlaid(_ images: Matrix<Float>, labels: [Int], value: Float) -> Matrix<Float> {
        var m = images
        m.storage.withUnsafeMutableBufferPointer { p in
            for i in 0..<m.rows { apply(p.baseAddress! + i * m.cols, label: labels[i], value: value) }
        }
        return m
    }
}
