import Foundation
import RunStore

/// A sweep as a Slurm job array (one task per grid point, each an `amsga run`
/// of that point on the shared outputs folder) and a gather job that runs
/// after it succeeds (`afterok`): the same sweep on one task, which finds
/// every point cached, completes any that is not, and writes the summary.
public struct SlurmSweep {
    public var partition: String?
    public var time: String?
    public var cpusPerTask: Int
    public init(partition: String? = nil, time: String? = nil, cpusPerTask: Int) {
        self.partition = partition
        self.time = time
        self.cpusPerTask = cpusPerTask
    }

    /// Writes `array.sbatch` and `gather.sbatch` in the sweep's folder; returns their paths.
    public func writeScripts(for sweep: Sweep, gather job: SweepArguments) throws -> (array: String, gather: String) {
        guard cpusPerTask > 0 else { throw NotebookError("--cpus-per-task must be positive, got \(cpusPerTask)") }
        try FileManager.default.createDirectory(atPath: sweep.directory, withIntermediateDirectories: true)
        let dir = Self.absolute(sweep.directory)
        let exe = Self.quote(sweep.options.executable)
        let threads = String(cpusPerTask)
        var array = header(sweep, job: "amsga-\(sweep.notebook.name)", log: dir + "/slurm-%A_%a.log")
        array += [
            "#SBATCH --array=0-\(sweep.points.count - 1)", "", "set -euo pipefail",
            "case \"$SLURM_ARRAY_TASK_ID\" in",
        ]
        for i in sweep.points.indices {
            array.append("  \(i)) point=(\(sweep.points[i].overrides.flatMap { ["-p", $0] }.map(Self.quote).joined(separator: " "))) ;;")
        }
        array += [
            "  *) echo \"amsga: no grid point $SLURM_ARRAY_TASK_ID\" >&2; exit 2 ;;", "esac",
            "export OPENBLAS_NUM_THREADS=\(threads)",
            "# Tasks run the binary as submitted: none rebuilds it, even if sources change while they wait.",
            "export AMSGA_NO_REBUILD=1",
            "exec \(exe) run \(Self.quote(sweep.notebook.name)) \"${point[@]}\" "
                + sweep.runArguments(0, threads: cpusPerTask).options.map(Self.quote).joined(separator: " "),
        ]
        var gather = header(sweep, job: "amsga-\(sweep.notebook.name)-gather", log: dir + "/slurm-gather-%j.log")
        gather += [
            "", "set -euo pipefail", "export OPENBLAS_NUM_THREADS=\(threads)", "export AMSGA_NO_REBUILD=1",
            "exec \(exe) " + job.arguments.map(Self.quote).joined(separator: " "),
        ]
        let paths = (dir + "/array.sbatch", dir + "/gather.sbatch")
        try Data((array.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: paths.0), options: .atomic)
        try Data((gather.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: paths.1), options: .atomic)
        return paths
    }

    func header(_ sweep: Sweep, job: String, log: String) -> [String] {
        var lines = [
            "#!/bin/bash", "# Written by `amsga sweep --slurm` for notebook \(sweep.notebook.name), grid \(sweep.grid.label).",
            "#SBATCH --job-name=\(job)", "#SBATCH --cpus-per-task=\(cpusPerTask)", "#SBATCH --ntasks=1",
            "#SBATCH --chdir=\(FileManager.default.currentDirectoryPath)", "#SBATCH --output=\(log)",
        ]
        if let partition { lines.append("#SBATCH --partition=\(partition)") }
        if let time { lines.append("#SBATCH --time=\(time)") }
        return lines
    }

    /// Submits the array, then the gather job depending on it; returns both job ids.
    public func submit(array: String, gather: String) throws -> (array: String, gather: String) {
        let a = try Self.sbatch([array])
        let g = try Self.sbatch(["--dependency=afterok:\(a)", gather])
        return (a, g)
    }

    static func sbatch(_ arguments: [String]) throws -> String {
        let errors = Pipe()
        let started: (process: Process, captured: Pipe?)
        do {
            started = try Subprocess.start(["sbatch", "--parsable"] + arguments, output: .captured(includingErrors: false), errors: errors)
        } catch {
            throw NotebookError("cannot run sbatch: \(error)")
        }
        let text = String(decoding: started.captured?.fileHandleForReading.readDataToEndOfFile() ?? Data(), as: UTF8.self)
        let problem = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        started.process.waitUntilExit()
        let status = started.process.terminationStatus
        guard status == 0, let id = text.split(separator: ";").first?.trimmingCharacters(in: .whitespacesAndNewlines), !id.isEmpty else {
            throw NotebookError(
                "sbatch \(arguments.joined(separator: " ")) failed (exit \(status)): "
                    + (problem.isEmpty ? text : problem).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return id
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// A word for bash, quoted when it needs to be.
    static func quote(_ word: String) -> String {
        let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=,:+@%")
        if !word.isEmpty, word.allSatisfy({ plain.contains($0) }) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
