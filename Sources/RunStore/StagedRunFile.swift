import Foundation

/// A complete run file under a temporary name beside the path it is for.
public struct StagedRunFile: Sendable {
    public let temporary: String
    public let path: String

    /// The temporary name of `path` for this process: `<path>.tmp-<pid>`.
    init(path: String) {
        self.path = path
        temporary = Self.temporaryName(path, pid: getpid())
    }

    static func temporaryName(_ path: String, pid: pid_t) -> String { path + ".tmp-\(pid)" }

    /// Moves the file into place: an atomic rename, so a reader or a resumed
    /// run sees the previous file or this one, never a mixture. `durable`
    /// syncs the file before the rename and the folder after it, so that the
    /// new file survives a power loss too.
    public func publish(durable: Bool) throws {
        do {
            if durable { try RunFile.sync(temporary) }
            FaultInjection.reach(.runFile)
            guard rename(temporary, path) == 0 else {
                throw RunFileError(path: path, problem: "cannot move the new file into place: \(String(cString: strerror(errno)))")
            }
        } catch {
            discard()
            throw error
        }
        let folder = (path as NSString).deletingLastPathComponent
        if durable { try? RunFile.sync(folder.isEmpty ? "." : folder) }
    }

    public func discard() { unlink(temporary) }

    /// Removes the temporaries of `path` whose writer is gone (killed between
    /// writing one and moving it into place). Nothing reads a temporary, and a
    /// run killed again and again would otherwise keep a whole file per kill.
    /// Those of live processes are left to their writers.
    static func removeAbandoned(of path: String) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let prefix = url.lastPathComponent + ".tmp-"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix(prefix) {
            guard let pid = pid_t(name.dropFirst(prefix.count)), processHasEnded(pid) else { continue }
            unlink(folder + "/" + name)
        }
    }
}
