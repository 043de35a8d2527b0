import Foundation

/// A folder results will be written to, checked before any work starts: a
/// read-only or unwritable outputs folder is an error at once, naming the
/// folder and the reason, not after hours of training.
public enum WritableFolder {
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    /// Creates `folder` (and its parents) if needed and checks that files can be created in it.
    public static func require(_ folder: String, for purpose: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            // The nearest folder that exists says why (a read-only file system, no permission).
            var existing = (folder as NSString).deletingLastPathComponent
            while !existing.isEmpty && existing != "/" && !FileManager.default.fileExists(atPath: existing) {
                existing = (existing as NSString).deletingLastPathComponent
            }
            let why = access(existing.isEmpty ? "." : existing, W_OK) != 0 ? String(cString: strerror(errno)) : reason(error)
            throw Problem(description: "cannot create \(folder) for \(purpose): \(why)")
        }
        if access(folder, W_OK) != 0 {
            throw Problem(description: "cannot write to \(folder) for \(purpose): \(String(cString: strerror(errno)))")
        }
    }

    /// The POSIX reason inside a Foundation file error ("Read-only file system"), else its description.
    static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return ns.localizedDescription
    }
}
