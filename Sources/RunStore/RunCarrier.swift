import Foundation

/// Carries unfinished training runs from one machine to the next through git.
///
/// A run resumes from the last checkpoint in its run file
/// (`outputs/<notebook>/cache/<cell>/runs/*.run.h5`), which git does not keep.
/// On a machine that is not kept between sessions (a cloud instance, a cluster
/// node whose scratch is purged) a run longer than a session would start over
/// each time. `save` copies every unfinished run file to `carried/`, at the same
/// path, and removes the copies of runs that have finished since, so that
/// committing `carried/` carries them; `restore`, on the next machine, puts each
/// copy back where its run will find it, unless the file there is as far along.
///
/// A run file is unfinished when it is complete as a file and has no final
/// accuracies yet (`RunFile.progress`); one that is not complete as a file is
/// being written or was cut off, and is not carried.
public struct RunCarrier: Sendable {
    /// The folder holding `outputs/` (the repository's root).
    public let root: String
    /// Where the copies go, relative to `root`.
    public let carried: String

    public init(root: String = ".", carried: String = "carried") {
        self.root = root
        self.carried = carried
    }

    /// One thing `save` or `restore` did or declined to do, as a line to print.
    public enum Event: Equatable, Sendable, CustomStringConvertible {
        case saved(String, checkpoint: Int?)
        case removed(String)
        case restored(String, checkpoint: Int?)
        case kept(String)
        case notARunFile(String)

        public var description: String {
            func at(_ step: Int?) -> String { step.map { "checkpoint at step \($0)" } ?? "no checkpoint yet" }
            switch self {
            case .saved(let path, let step): return "saved \(path) (\(at(step)))"
            case .removed(let path): return "removed \(path): its run has finished"
            case .restored(let path, let step): return "restored \(path) (\(at(step)))"
            case .kept(let path): return "kept \(path): it is as far along as the carried copy"
            case .notARunFile(let path): return "\(path): not a complete run file; not restored"
            }
        }
    }

    /// Copies each unfinished run file to `carried/`, and removes the copies of runs that have finished.
    public func save() throws -> [Event] {
        var events: [Event] = []
        for path in runFiles(under: "outputs") {
            guard let p = RunFile.progress(path: root + "/" + path), !p.finished else { continue }
            try copy(path, to: carried + "/" + path)
            events.append(.saved(path, checkpoint: p.lastCheckpoint))
        }
        for copy in runFiles(under: carried + "/outputs") {
            let original = String(copy.dropFirst(carried.count + 1))
            guard RunFile.progress(path: root + "/" + original)?.finished == true else { continue }
            try FileManager.default.removeItem(atPath: root + "/" + copy)
            events.append(.removed(copy))
        }
        return events
    }

    /// Puts each carried copy back, unless the run file there has finished or is as far along.
    public func restore() throws -> [Event] {
        var events: [Event] = []
        for copy in runFiles(under: carried + "/outputs") {
            let original = String(copy.dropFirst(carried.count + 1))
            guard let mine = RunFile.progress(path: root + "/" + copy) else {
                events.append(.notARunFile(copy))
                continue
            }
            if let there = RunFile.progress(path: root + "/" + original),
                there.finished || (there.lastCheckpoint ?? -1) >= (mine.lastCheckpoint ?? -1)
            {
                events.append(.kept(original))
                continue
            }
            try self.copy(copy, to: original)
            events.append(.restored(original, checkpoint: mine.lastCheckpoint))
        }
        return events
    }

    /// `<outputs>/*/cache/*/runs/*.run.h5`, relative to `root`, sorted.
    func runFiles(under outputs: String) -> [String] {
        func children(_ path: String) -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: root + "/" + path)) ?? []).sorted().map { path + "/" + $0 }
        }
        return children(outputs).flatMap { children($0 + "/cache") }.flatMap { children($0 + "/runs") }
            .filter { $0.hasSuffix(".run.h5") }
    }

    /// Copies under a temporary name and renames, so that an interrupted copy never passes for a run file.
    func copy(_ source: String, to destination: String) throws {
        let target = root + "/" + destination
        try FileManager.default.createDirectory(
            atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let staged = StagedRunFile(path: target)
        staged.discard()
        try FileManager.default.copyItem(atPath: root + "/" + source, toPath: staged.temporary)
        try staged.publish(durable: false)
    }
}
