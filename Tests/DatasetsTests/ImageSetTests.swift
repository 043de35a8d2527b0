import Datasets
import Foundation
import Tensor
import Testing

@Suite("Image sets, splits and verification")
struct ImageSetTests {
    /// Writes a small dataset folder: n images of 4×4 with the given labels.
    func writeSet(_ dir: String, images n: Int, labels: [UInt8], prefix: String = "train") throws -> (String, String) {
        let img = IDXArray(shape: [n, 4, 4], bytes: (0..<n * 16).map { UInt8($0 % 256) })
        let lab = IDXArray(shape: [labels.count], bytes: labels)
        let ip = dir + "/\(prefix)-images-idx3-ubyte.gz"
        let lp = dir + "/\(prefix)-labels-idx1-ubyte.gz"
        try img.write(path: ip)
        try lab.write(path: lp)
        return (ip, lp)
    }

    @Test("Images and labels read together, scaled to [0, 1]")
    func read() throws {
        let (ip, lp) = try writeSet(try temporaryFolder(), images: 3, labels: [0, 9, 4])
        let set = try ImageSet.read(images: ip, labels: lp)
        #expect(set.images.rows == 3 && set.images.cols == 16)
        #expect(set.labels == [0, 9, 4])
        #expect(set.images[1, 0] == Float(16) / 255)
    }

    @Test("Image and label counts that disagree are reported with both files")
    func countMismatch() throws {
        let (ip, lp) = try writeSet(try temporaryFolder(), images: 3, labels: [0, 1])
        #expect(throws: DatasetError.countMismatch(images: ip, imageCount: 3, labels: lp, labelCount: 2)) {
            try ImageSet.read(images: ip, labels: lp)
        }
    }

    @Test("A label outside 0–9 is reported with its index")
    func labelRange() throws {
        let (ip, lp) = try writeSet(try temporaryFolder(), images: 3, labels: [0, 12, 1])
        #expect(throws: DatasetError.labelOutOfRange(path: lp, index: 1, label: 12)) {
            try ImageSet.read(images: ip, labels: lp)
        }
    }

    @Test("A checksum mismatch names the file and both digests")
    func checksum() throws {
        let dir = try temporaryFolder()
        _ = try writeSet(dir, images: 2, labels: [1, 2])
        _ = try writeSet(dir, images: 2, labels: [1, 2], prefix: "t10k")
        let result = Verification.verify(.mnist, folder: dir)
        #expect(!result.ok)
        let problem = try #require(result.files.first { $0.part == .trainLabels }?.problem)
        #expect(problem.contains("train-labels-idx1-ubyte.gz"))
        #expect(problem.contains(DatasetName.mnist.sha256(.trainLabels)))
    }

    @Test("The locator searches --data, $AMSGA_DATA, ./data, /usr/share/datasets in that order")
    func locatorOrder() throws {
        let l = DataLocator(explicit: "/x", environment: ["AMSGA_DATA": "/y"])
        #expect(l.roots == ["/x", "/y", "./data", "/usr/share/datasets"])
        let empty = try temporaryFolder()
        let error = #expect(throws: DatasetError.self) { try DataLocator(roots: [empty]).folder(for: .mnist) }
        #expect(error?.description.contains(empty + "/mnist") == true)
    }

    @Test("A dataset folder missing a file is an error naming it, not passed over for a copy further down")
    func incompleteFolder() throws {
        let first = try temporaryFolder()
        let second = try temporaryFolder()
        let complete = (second as NSString).appendingPathComponent("mnist")
        let partial = (first as NSString).appendingPathComponent("mnist")
        for folder in [complete, partial] { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        for part in DatasetName.Part.allCases {
            try Data().write(to: URL(fileURLWithPath: (complete as NSString).appendingPathComponent(part.rawValue + ".gz")))
            if part != .trainLabels {
                try Data().write(to: URL(fileURLWithPath: (partial as NSString).appendingPathComponent(part.rawValue + ".gz")))
            }
        }
        let error = #expect(throws: DatasetError.self) { try DataLocator(roots: [first, second]).folder(for: .mnist) }
        #expect(error == .incompleteFolder(dataset: "mnist", folder: partial, missing: [DatasetName.Part.trainLabels.rawValue]))
        #expect(error?.description.contains("train-labels-idx1-ubyte") == true)
        // A folder with none of the files (a README, say) is passed over.
        try FileManager.default.removeItem(atPath: partial)
        try FileManager.default.createDirectory(atPath: partial, withIntermediateDirectories: true)
        try Data("see elsewhere".utf8).write(to: URL(fileURLWithPath: (partial as NSString).appendingPathComponent("README.md")))
        #expect(try DataLocator(roots: [first, second]).folder(for: .mnist) == complete)
    }

    @Test("The split is seeded: 5/6 train, the rest validation, disjoint; same seed, same split")
    func syntheticSplit() throws {
        var rng = Xoshiro256StarStar(seed: 1)
        var m = Matrix<Float>(rows: 120, cols: 16)
        m.storage.withUnsafeMutableBufferPointer { rng.fillUniform($0, low: 0, high: 1) }
        let full = ImageSet(images: m, labels: (0..<120).map { UInt8($0 % 10) })
        let a = try DataSplit.make(.mnist, full: full, test: full.subset([0, 1]), seed: 4)
        let b = try DataSplit.make(.mnist, full: full, test: full.subset([0, 1]), seed: 4)
        #expect(a.train.count == 100 && a.validation.count == 20)
        #expect(Set(a.trainIndices).isDisjoint(with: a.validationIndices))
        #expect(Set(a.trainIndices + a.validationIndices).count == 120)
        #expect(a.trainIndices == b.trainIndices)
        let mean = a.train.images.storage.reduce(0, +) / Float(a.train.images.count)
        #expect(abs(mean) < 1e-4)
    }
}

@Suite("Real datasets (skipped where absent)")
struct RealDataTests {
    @Test(
        "MNIST and Fashion-MNIST: shapes, class counts, split sizes, statistics",
        arguments: [DatasetName.mnist, .fashionMNIST])
    func load(_ d: DatasetName) throws {
        guard realDataFolder(d) != nil else {
            print("skipping: \(d.rawValue) not found (set AMSGA_DATA)")
            return
        }
        let s = try DataSplit.load(d, seed: 0)
        #expect(s.train.count == 50_000 && s.validation.count == 10_000 && s.test.count == 10_000)
        #expect(s.train.images.cols == 784)
        var all = [Int](repeating: 0, count: 10)
        for set in [s.train, s.validation] { for (c, k) in set.classCounts.enumerated() { all[c] += k } }
        #expect(all == d.classCounts.train)
        #expect(s.test.classCounts == d.classCounts.test)
        // docs/reading.md quotes the 60,000-image statistics; the 50,000 split is close to them.
        let (mean, std): (Float, Float) = d == .mnist ? (0.1307, 0.3081) : (0.2860, 0.3530)
        #expect(abs(s.mean - mean) < 0.003 && abs(s.std - std) < 0.003)
        #expect(abs(s.overlayValue - (1 - s.mean) / s.std) < 1e-5)
    }
}

@Suite("Images kept as bytes")
struct CodedImageTests {
    @Test("A set read from files (bytes and a table) gives exactly the floats a float set gives: split, subset, rows, gathering")
    func codedMatchesFloats() throws {
        guard let folder = realDataFolder(.fashionMNIST) else {
            print("skipping: Fashion-MNIST not found")
            return
        }
        let raw = try ImageSet.read(images: DataLocator.file(.testImages, in: folder)!, labels: DataLocator.file(.testLabels, in: folder)!)
        let some = raw.subset(Array(0..<1200))
        let floats = ImageSet(images: some.images, labels: some.labels)
        // The same split of both: every standardised value must be the same bits.
        let a = try DataSplit.make(.fashionMNIST, full: some, test: some.subset([5, 3, 9]), seed: 2, trainSize: 700, evalSize: 50)
        let b = try DataSplit.make(.fashionMNIST, full: floats, test: floats.subset([5, 3, 9]), seed: 2, trainSize: 700, evalSize: 50)
        #expect(a.mean.bitPattern == b.mean.bitPattern && a.std.bitPattern == b.std.bitPattern)
        for (x, y) in [(a.train, b.train), (a.validation, b.validation), (a.test, b.test)] {
            #expect(x.images.storage.map(\.bitPattern) == y.images.storage.map(\.bitPattern))
            #expect(x.gathering(rows: [2, 0, 2]).storage.map(\.bitPattern) == y.gathering(rows: [2, 0, 2]).storage.map(\.bitPattern))
            let rows = UnsafeMutablePointer<Float>.allocate(capacity: 2 * x.cols)
            let other = UnsafeMutablePointer<Float>.allocate(capacity: 2 * x.cols)
            defer {
                rows.deallocate()
                other.deallocate()
            }
            x.copyRows(1..<3, into: rows)
            y.copyRows(1..<3, into: other)
            #expect((0..<2 * x.cols).allSatisfy { rows[$0].bitPattern == other[$0].bitPattern })
        }
    }
}
