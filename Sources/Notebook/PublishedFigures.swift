import Foundation

/// Which cell published which figure to a parameter set's outputs folder
/// (`.published-figures`, one `<cell slug> <file>` line each), so that a
/// figure a cell no longer draws is removed from the folder rather than left
/// beside the current ones.
struct PublishedFigures {
    let path: String
    var owners: [String: String]  // figure file → cell slug

    init(folder: String) {
        path = folder + "/.published-figures"
        owners = [:]
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            if parts.count == 2 { owners[parts[1]] = parts[0] }
        }
    }

    /// Records that `cell` now publishes exactly `figures`, removing from
    /// `folder` the files it published before and no longer does.
    mutating func replace(cell: String, with figures: [String], in folder: String) throws {
        for (file, owner) in owners where owner == cell && !figures.contains(file) {
            try? FileManager.default.removeItem(atPath: folder + "/" + file)
            owners[file] = nil
        }
        for f in figures { owners[f] = cell }
        let text = owners.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)\n" }.joined()
        if text != ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "") {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
    }
}
