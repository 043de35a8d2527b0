import Foundation
import Notebook
import RunStore

/// Notebook cells are compiled into `amsga`, so a notebook edited on disk
/// runs only after a build. `run` and `sweep` do that build themselves: when
/// a source of the package this binary was built from is newer than the
/// binary, they run `swift build` for the binary's configuration in the
/// package root, then start the new binary with the same arguments.
enum Rebuild {
    /// Set in the environment of the binary started after a rebuild, so that a
    /// build that leaves the binary's date unchanged cannot loop.
    static let marker = "AMSGA_REBUILT"
    /// Set by sweeps for their points and by Slurm job scripts: those run the
    /// binary as it is, so that parallel points never build at once.
    static let disabled = "AMSGA_NO_REBUILD"

    /// Returns when the binary is current (or cannot be rebuilt, which
    /// `findNotebook` reports); otherwise rebuilds and replaces this process.
    static func ifSourcesChanged() throws {
        guard let root = SourceTree.root, SourceTree.executableIsBuiltFromRoot,
            let built = try? FileManager.default.attributesOfItem(atPath: SourceTree.executable)[.modificationDate] as? Date
        else { return }
        guard ProcessInfo.processInfo.environment[disabled] == nil else { return }
        let changed = SourceTree.sources(modifiedAfter: built)
        guard !changed.isEmpty else { return }
        if ProcessInfo.processInfo.environment[marker] != nil {
            FileHandle.standardError.write(
                Data("note: after a rebuild, sources are still newer than amsga: \(changed.prefix(3).joined(separator: ", "))\n".utf8))
            return
        }
        // `.build/<triple>/release/amsga`: the folder names the configuration.
        let configuration =
            ((SourceTree.executable as NSString).deletingLastPathComponent as NSString).lastPathComponent == "debug" ? "debug" : "release"
        let arguments = ["swift", "build", "-c", configuration, "--product", "amsga"]
        let listed = changed.prefix(3).joined(separator: ", ") + (changed.count > 3 ? " and \(changed.count - 3) more" : "")
        if let holder = swiftPMHolding(root) {
            // `swift test` holds its build folder while the tests run amsga: a
            // build here would wait for it for ever. The binary runs as it is;
            // `findNotebook` still refuses a notebook newer than it.
            print(
                "amsga: \(listed) changed since amsga was built, but SwiftPM (pid \(holder)) is using \(root)/.build; running amsga as built"
            )
            return
        }
        print("amsga: \(listed) changed since amsga was built; rebuilding (\(arguments.joined(separator: " ")))")
        let start = Date()
        var (status, output) = try runCapturing(["/usr/bin/env"] + arguments, in: root)
        if status != 0, output.contains("was compiled with module cache path") {
            // The checkout (with its .build) was moved: clang's module cache
            // records absolute paths. Without it the build starts over.
            let cache = (SourceTree.executable as NSString).deletingLastPathComponent + "/ModuleCache"
            print("amsga: the build folder was moved; removing its module cache (\(cache)) and building again")
            try? FileManager.default.removeItem(atPath: cache)
            (status, output) = try runCapturing(["/usr/bin/env"] + arguments, in: root)
        }
        guard status == 0 else {
            FileHandle.standardError.write(Data(output.utf8))
            throw RuntimeError(
                "the build failed (`\(arguments.joined(separator: " "))` in \(root), exit status \(status)); nothing was run")
        }
        // A change the compiler finds empty (a comment) leaves the binary
        // unlinked and its date old: without this, every run would build again.
        try? FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: SourceTree.executable)
        print(String(format: "amsga: rebuilt in %.0f s; running the new binary", Date().timeIntervalSince(start)))
        setenv(marker, "1", 1)
        fflush(stdout)
        let argv = [SourceTree.executable] + CommandLine.arguments.dropFirst()
        var cArgs = argv.map { strdup($0) } + [nil]
        execv(SourceTree.executable, &cArgs)
        throw RuntimeError("could not start the rebuilt \(SourceTree.executable): \(String(cString: strerror(errno)))")
    }

    /// The SwiftPM process using `root`'s build folder now, if any: the pid
    /// that SwiftPM writes in `.build/.lock`, when that process is alive and
    /// works in `root` (a checkout copied with its `.build` copies the pid too).
    static func swiftPMHolding(_ root: String) -> Int32? {
        guard let text = try? String(contentsOfFile: root + "/.build/.lock", encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid != getpid(), !processHasEnded(pid)
        else { return nil }
        guard let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd") else { return pid }
        let resolved = { (path: String) in URL(fileURLWithPath: path).resolvingSymlinksInPath().path }
        return resolved(cwd) == resolved(root) ? pid : nil
    }

    /// Runs `arguments` in `folder`, returning its exit status and its standard output and error together.
    private static func runCapturing(_ arguments: [String], in folder: String) throws -> (Int32, String) {
        let r = try Subprocess.run(arguments, in: folder)
        return (r.status, r.output)
    }
}
