import Foundation
import RunStore

/// What git keeps of a cache: the entries the notebook's defaults use, and
/// nothing else (`cache/.gitignore`, written by every defaults run).
extension CacheStore {
    /// Git keeps the entries the notebook's defaults use and nothing else of
    /// the cache. Returns a note for each finished run that git kept until now
    /// and keeps no longer in any entry, so that a clone would train it again:
    /// usually a run the defaults stopped needing, but also, say, a seed
    /// trained ahead of the `seeds` default that will read it.
    @discardableResult
    func writeGitignore(keeping entries: [String]) throws -> [String] {
        let before = keptByGitignore()
        var lines = [
            "# Written by amsga. The cache keeps the results of every parameter set;",
            "# git keeps those of the notebook's defaults only (`amsga cache` lists all).",
            "/*/*/", "/.locks/", "*.run.h5", "*.lock",
        ]
        lines += entries.sorted().map { "!/" + $0 + "/" }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: directory + "/.gitignore"), options: .atomic)
        return runsLeavingGit(dropped: before.subtracting(entries), kept: entries)
    }

    /// A cache that no defaults run has yet written a `.gitignore` for (a sweep
    /// point's, say) keeps nothing in git until one does, so its run files
    /// (checkpoints, 100 MB and more) and locks never show up as work to commit.
    func writeGitignoreIfMissing() throws {
        guard !FileManager.default.fileExists(atPath: directory + "/.gitignore") else { return }
        try writeGitignore(keeping: [])
    }

    /// The entries (`<NN-cell>/<key prefix>`) the current `.gitignore` keeps.
    func keptByGitignore() -> Set<String> {
        guard let text = try? String(contentsOfFile: directory + "/.gitignore", encoding: .utf8) else { return [] }
        let keeps = text.split(separator: "\n").filter { $0.hasPrefix("!/") && $0.hasSuffix("/") }
        return Set(keeps.map { String($0.dropFirst(2).dropLast()) })
    }

    /// Notes on the finished runs whose traces are in `dropped` entries and in none of the `kept` ones.
    func runsLeavingGit(dropped: Set<String>, kept: [String]) -> [String] {
        func finishedRuns(_ entry: String) -> [(trace: String, parameters: String)] {
            let folder = directory + "/" + entry + "/traces"
            return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted().filter { $0.hasSuffix(".h5") }
                .compactMap { name in
                    guard let run = RunFile.summary(path: folder + "/" + name), run.finished else { return nil }
                    return (entry + "/traces/" + name, run.parametersJSON)
                }
        }
        let leaving = dropped.sorted().flatMap(finishedRuns)
        guard !leaving.isEmpty else { return [] }
        let stillKept = Set(kept.flatMap(finishedRuns).map(\.parameters))
        return leaving.filter { !stillKept.contains($0.parameters) }.map {
            "git no longer keeps \($0.trace) (cache/.gitignore): no entry the defaults use has its run, so a clone would train it again; "
                + "if a result still needs it (a seed trained ahead of the default that reads it), `git add -f` its entry"
        }
    }
}
