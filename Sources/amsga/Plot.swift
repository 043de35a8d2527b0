import ArgumentParser
import Figures
import Foundation
import RunStore

struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw the SVG figures of run files from their traces (trains nothing).")
    @Argument(help: "Run files (HDF5) written by `amsga train --out`.") var files: [String]
    @Option(help: "Folder for the SVG files (default: the first file's folder).") var out: String?
    @Flag(help: "Only the figures over seeds: files named <variant>-s<seed>.h5 grouped by variant, mean ± sd.") var seeds = false

    func run() throws {
        guard let first = files.first else { throw ValidationError("name at least one run file") }
        var runs: [(label: String, run: RunContents)] = []
        for f in files {
            let stem = ((f as NSString).lastPathComponent as NSString).deletingPathExtension
            runs.append((stem, try RunFile.read(path: f)))
        }
        let dir = out ?? ((first as NSString).deletingLastPathComponent.isEmpty ? "." : (first as NSString).deletingLastPathComponent)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, svg) in seeds ? SeedFigures.all(runs) : TraceFigures.all(runs) {
            let path = (dir as NSString).appendingPathComponent(name)
            try Data(svg.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            print(path)
        }
    }
}
