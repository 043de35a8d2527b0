import Foundation
import HDF5
import Tensor

/// Where a file came from: versions, commit, time. Written on every file's root.
public enum Provenance {
    public static var swiftVersion: String {
        #if compiler(>=6.3)
            return "6.3+"
        #elseif compiler(>=6.2)
            return "6.2"
        #elseif compiler(>=6.1)
            return "6.1"
        #else
            return "6.0"
        #endif
    }

    /// The git commit of the working directory's checkout ("+dirty" when code
    /// differs from it; regenerated results under outputs/ do not count), or
    /// "unknown" outside one.
    public static let gitCommit: String = {
        guard let head = git(["rev-parse", "HEAD"]) else { return "unknown" }
        return head + (uncommittedDiff == nil ? "" : "+dirty")
    }()

    /// How the checkout's tracked files differ from its commit (outputs/
    /// excluded), as `git diff` prints it; nil when they do not, or outside a checkout.
    public static let uncommittedDiff: String? = {
        guard let diff = git(["diff", "--no-color", "--no-ext-diff", "HEAD", "--", ".", ":(exclude)outputs"]), !diff.isEmpty else {
            return nil
        }
        return diff + "\n"
    }()

    static func git(_ args: [String]) -> String? {
        guard let r = try? Subprocess.run(["git"] + args, includingErrors: false), r.status == 0 else { return nil }
        return r.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public static func write(on root: HDF5Group, format: String, parametersJSON: String, seed: UInt64) throws {
        try root.setAttribute("format", .string(format))
        try root.setAttribute("format_version", .int(Int64(RunFile.formatVersion)))
        try root.setAttribute("parameters", .string(parametersJSON))
        try root.setAttribute("seed", .uint64(seed))
        try root.setAttribute("git_commit", .string(gitCommit))
        try root.setAttribute("swift_version", .string(swiftVersion))
        try root.setAttribute("hdf5_version", .string(HDF5Library.versionString))
        try root.setAttribute("openblas", .string(BLASInfo.config))
        try root.setAttribute("created", .string(ISO8601DateFormatter().string(from: Date())))
    }
}
