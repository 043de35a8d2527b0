import Datasets
import Foundation

/// A fresh temporary folder for one test.
func temporaryFolder(_ name: String = #function) throws -> String {
    let dir = NSTemporaryDirectory() + "amsga-tests-" + name.filter { $0.isLetter || $0.isNumber } + "-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// The real data, when this machine has it ($AMSGA_DATA, ./data, /usr/share/datasets).
func realDataFolder(_ d: DatasetName) -> String? { try? DataLocator().folder(for: d) }
