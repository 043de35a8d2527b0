import Crypto
import Foundation

/// Checks a dataset folder against the SHA-256 of each file's uncompressed content.
public enum Verification {
    public struct Result: Sendable {
        public var dataset: DatasetName
        public var folder: String
        /// Per part: the file checked and the problem, nil when it matched.
        public var files: [(part: DatasetName.Part, path: String, problem: String?)]
        public var ok: Bool { files.allSatisfy { $0.problem == nil } }
    }

    public static func sha256Hex(_ data: Data) -> String { hex(SHA256.hash(data: data)) }

    /// A digest's bytes as lowercase hex, as `sha256sum` prints them.
    public static func hex(_ digest: some Sequence<UInt8>) -> String { digest.map { String(format2: $0) }.joined() }

    public static func verify(_ dataset: DatasetName, folder: String) -> Result {
        var files: [(DatasetName.Part, String, String?)] = []
        for part in DatasetName.Part.allCases {
            guard let path = DataLocator.file(part, in: folder) else {
                files.append((part, (folder as NSString).appendingPathComponent(part.rawValue), "missing"))
                continue
            }
            do {
                let digest = sha256Hex(try readUncompressed(path: path))
                let expected = dataset.sha256(part)
                files.append(
                    (
                        part, path,
                        digest == expected
                            ? nil
                            : DatasetError.checksumMismatch(path: path, expected: expected, actual: digest).description
                    ))
            } catch {
                files.append((part, path, "\(error)"))
            }
        }
        return Result(dataset: dataset, folder: folder, files: files.map { (part: $0.0, path: $0.1, problem: $0.2) })
    }
}
