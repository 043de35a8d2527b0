import Foundation

/// The package `amsga` was built from, found at run time: the folder above the
/// running executable that holds `Package.swift` (a binary in `.build/release/`
/// of a checkout, wherever that checkout was moved), else the current folder
/// or one above it that does. No path is compiled in, so a moved or copied
/// checkout runs its own notebooks.
public enum SourceTree {
    /// This executable's absolute path.
    public static let executable: String =
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]

    /// The package root, or nil when neither the executable nor the current folder is inside one.
    public static let root: String? =
        packageRoot(above: (executable as NSString).deletingLastPathComponent)
        ?? packageRoot(above: FileManager.default.currentDirectoryPath)

    /// Whether the executable was built inside `root` (its `.build` folder), so that rebuilding `root` replaces it.
    public static var executableIsBuiltFromRoot: Bool {
        guard let root else { return false }
        return executable.hasPrefix(root + "/.build/")
    }

    static func packageRoot(above folder: String) -> String? {
        var dir = URL(fileURLWithPath: folder).standardizedFileURL
        while true {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) { return dir.path }
            let up = dir.deletingLastPathComponent()
            if up.path == dir.path { return nil }
            dir = up
        }
    }

    /// The file a `#fileID` (`Module/Name.swift`) names: `notebooks/Name.swift`
    /// for the notebooks target, else `Sources/Module/` or `Tests/Module/`.
    /// An absolute path is returned as it is.
    public static func locate(fileID: String) -> String {
        if fileID.hasPrefix("/") { return fileID }
        let parts = fileID.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return fileID }
        let (module, name) = (parts[0], parts[1])
        let candidates = module == "Notebooks" ? ["notebooks/" + name] : ["Sources/\(module)/\(name)", "Tests/\(module)/\(name)"]
        guard let root else { return candidates[0] }
        for c in candidates where FileManager.default.fileExists(atPath: root + "/" + c) { return root + "/" + c }
        return root + "/" + candidates[0]
    }

    /// The folders whose sources make the executable.
    public static let sourceFolders = ["Sources", "notebooks", "Plugins"]

    /// Source files (`.swift`, `.h`, `.modulemap`, and `Package.swift`) modified
    /// after `date`, relative to the root; sorted.
    public static func sources(modifiedAfter date: Date) -> [String] {
        guard let root else { return [] }
        let fm = FileManager.default
        var files = ["Package.swift"]
        for folder in sourceFolders {
            let all = (fm.enumerator(atPath: root + "/" + folder)?.allObjects as? [String]) ?? []
            files += all.filter { $0.hasSuffix(".swift") || $0.hasSuffix(".h") || $0.hasSuffix(".modulemap") }.map { folder + "/" + $0 }
        }
        return files.filter { f in
            guard let m = try? fm.attributesOfItem(atPath: root + "/" + f)[.modificationDate] as? Date else { return false }
            return m > date
        }.sorted()
    }
}
