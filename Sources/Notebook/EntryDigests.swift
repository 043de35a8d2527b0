import Datasets
import Foundation

/// Every file of a cache entry with its SHA-256, in `SHA256SUMS` beside them
/// (the format `sha256sum -c` checks). HDF5 has no checksums of its own, so a
/// flipped byte in a state file or a trace would otherwise be read as data;
/// with the digests, an entry that changed after it was written is not trusted
/// (`status` calls it unreadable and the cell runs again).
enum EntryDigests {
    static let fileName = "SHA256SUMS"

    /// Writes the digests of every file under `directory`.
    static func write(_ directory: String) throws {
        let lines = try files(directory).map { "\(try digest(directory + "/" + $0))  \($0)" }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: directory + "/" + fileName), options: .atomic)
    }

    /// Checks every listed file; an entry from before digests gets them now.
    static func verify(_ directory: String) throws {
        let path = directory + "/" + fileName
        guard let text = FileManager.default.contents(atPath: path) else { return try write(directory) }
        var listed = Set<String>()
        for line in String(decoding: text, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard parts.count == 2 else { throw NotebookError("\(path): malformed line '\(line)'; not trusted") }
            let name = parts[1].trimmingCharacters(in: .whitespaces)
            listed.insert(name)
            guard FileManager.default.fileExists(atPath: directory + "/" + name) else {
                throw NotebookError("\(directory)/\(name) is missing; the entry is not trusted")
            }
            guard try digest(directory + "/" + name) == parts[0] else {
                throw NotebookError("\(directory)/\(name) changed after it was written (SHA-256 differs); the entry is not trusted")
            }
        }
        if let extra = try files(directory).first(where: { !listed.contains($0) }) {
            throw NotebookError("\(directory)/\(extra) is not in \(fileName); the entry is not trusted")
        }
    }

    /// The entry's files, relative to it, sorted (the digest list itself excluded).
    static func files(_ directory: String) throws -> [String] {
        guard let e = FileManager.default.enumerator(atPath: directory) else { return [] }
        var found: [String] = []
        for case let f as String in e where f != fileName {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory + "/" + f, isDirectory: &isDirectory), !isDirectory.boolValue {
                found.append(f)
            }
        }
        return found.sorted()
    }

    static func digest(_ path: String) throws -> String {
        Verification.sha256Hex(try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe))
    }
}
