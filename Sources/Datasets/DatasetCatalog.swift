/// The two datasets of the paper: where their files live and what they must contain.
public enum DatasetName: String, CaseIterable, Codable, Sendable {
    case mnist
    case fashionMNIST = "fashion-mnist"

    /// The sub-folder of a data root that holds this dataset.
    public var folder: String { rawValue }
    /// The name a table or figure prints.
    public var label: String { self == .mnist ? "MNIST" : "Fashion-MNIST" }

    public enum Part: String, CaseIterable, Sendable {
        case trainImages = "train-images-idx3-ubyte"
        case trainLabels = "train-labels-idx1-ubyte"
        case testImages = "t10k-images-idx3-ubyte"
        case testLabels = "t10k-labels-idx1-ubyte"
    }

    /// SHA-256 of each file's uncompressed content (`../shared/data/*/README.md`).
    public func sha256(_ part: Part) -> String {
        switch (self, part) {
        case (.mnist, .trainImages): return "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"
        case (.mnist, .trainLabels): return "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"
        case (.mnist, .testImages): return "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"
        case (.mnist, .testLabels): return "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"
        case (.fashionMNIST, .trainImages): return "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"
        case (.fashionMNIST, .trainLabels): return "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"
        case (.fashionMNIST, .testImages): return "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"
        case (.fashionMNIST, .testLabels): return "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"
        }
    }

    /// Published class counts (train, test), used by the tests.
    public var classCounts: (train: [Int], test: [Int]) {
        switch self {
        case .mnist:
            return (
                [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949],
                [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
            )
        case .fashionMNIST:
            return (Array(repeating: 6000, count: 10), Array(repeating: 1000, count: 10))
        }
    }

    /// Download locations of the gzip files, tried in order.
    public var mirrors: [String] {
        switch self {
        case .mnist:
            return [
                "https://ossci-datasets.s3.amazonaws.com/mnist/",
                "https://storage.googleapis.com/cvdf-datasets/mnist/",
                "http://yann.lecun.com/exdb/mnist/",
            ]
        case .fashionMNIST:
            return ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
        }
    }

    public init(parsing text: String) throws {
        let t = text.lowercased()
        if let d = DatasetName(rawValue: t) {
            self = d
            return
        }
        if t == "fashion" || t == "fashionmnist" || t == "fmnist" {
            self = .fashionMNIST
            return
        }
        throw DatasetNameError(text: text)
    }
}

public struct DatasetNameError: Error, CustomStringConvertible {
    public let text: String
    public var description: String {
        "unknown dataset '\(text)'; known: \(DatasetName.allCases.map(\.rawValue).joined(separator: ", "))"
    }
}
