import Foundation

/// Finds the dataset folders. Search order: `--data DIR`, `$AMSGA_DATA`,
/// `./data`, `/usr/share/datasets` (Debian's `dataset-fashion-mnist`). A root
/// counts for a dataset when its `<root>/<dataset>/` folder holds all four
/// files, gzip (`.gz`) or plain.
public struct DataLocator: Sendable {
    public var roots: [String]

    public init(explicit: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
        var r: [String] = []
        if let e = explicit { r.append(e) }
        if let env = environment["AMSGA_DATA"], !env.isEmpty { r.append(env) }
        r.append("./data")
        r.append("/usr/share/datasets")
        roots = r
    }

    public init(roots: [String]) { self.roots = roots }

    /// The path of one part inside a dataset folder, `.gz` preferred.
    public static func file(_ part: DatasetName.Part, in folder: String) -> String? {
        let fm = FileManager.default
        for name in [part.rawValue + ".gz", part.rawValue] {
            let p = (folder as NSString).appendingPathComponent(name)
            if fm.fileExists(atPath: p) { return p }
        }
        return nil
    }

    /// The first folder holding all of the dataset's files.
    public func folder(for dataset: DatasetName) throws -> String {
        for root in roots {
            let f = (root as NSString).appendingPathComponent(dataset.folder)
            if DatasetName.Part.allCases.allSatisfy({ Self.file($0, in: f) != nil }) { return f }
        }
        throw DatasetError.notFound(dataset: dataset.rawValue,
                                    searched: roots.map { ($0 as NSString).appendingPathComponent(dataset.folder) })
    }
}
