import Foundation

/// Finds the dataset folders. Search order: `--data DIR`, `$AMSGA_DATA`,
/// `./data`, `/usr/share/datasets` (Debian's `dataset-fashion-mnist`). A root
/// counts for a dataset when its `<root>/<dataset>/` folder holds all four
/// files, gzip (`.gz`) or plain. The search moves on past a root whose folder
/// holds none of them (or does not exist); a folder holding some but not all
/// is an error naming the missing files, never silently passed over for a
/// copy further down the list.
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
            let missing = DatasetName.Part.allCases.filter { Self.file($0, in: f) == nil }
            if missing.isEmpty { return f }
            if missing.count < DatasetName.Part.allCases.count {
                throw DatasetError.incompleteFolder(dataset: dataset.rawValue, folder: f, missing: missing.map(\.rawValue))
            }
        }
        throw DatasetError.notFound(
            dataset: dataset.rawValue,
            searched: roots.map { ($0 as NSString).appendingPathComponent(dataset.folder) })
    }
}
