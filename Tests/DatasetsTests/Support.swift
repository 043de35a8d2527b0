import Datasets
import Foundation
import TestSupport

/// A fresh temporary folder for one test.
func temporaryFolder(_ name: String = #function) throws -> String {
    try Scratch.folder(name.filter { $0.isLetter || $0.isNumber })
}

/// The real data, when this machine has it ($AMSGA_DATA, ./data, /usr/share/datasets).
func realDataFolder(_ d: DatasetName) -> String? { try? DataLocator().folder(for: d) }
