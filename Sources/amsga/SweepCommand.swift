import ArgumentParser
import Foundation
import Notebook
import RunStore

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a notebook at every point of a parameter grid, J points at a time, or as a Slurm job array.",
        discussion: """
            Each -p gives one parameter's values: seed=0,1,2, seed=0..4 (both ends included) or one value. \
            Every point is run like `amsga run` (stale cells only) and cached as its own parameter set, so \
            points already cached are not run again and a killed sweep, run again, runs only what is missing.
            """)
    @Argument(help: "Notebook name (see `amsga ls`).") var notebook: String
    @Option(name: .customShort("p"), parsing: .singleValue, help: "A parameter's values: name=v1,v2 or name=a..b (repeatable).")
    var grid: [String] = []
    @Option(help: "Run only this cell (number or name) and the stale cells it needs, at every point.") var cell: String?
    @Option(parsing: .unconditional, help: "Points run at a time, each as its own process.") var jobs: Int = 1
    @Option(parsing: .unconditional, help: "OpenBLAS threads per point (default: the cores divided among the jobs).") var threads: Int?
    @Option(help: "Folder of the notebooks' outputs.") var outputs: String = "outputs"
    @OptionGroup var data: DataOptions
    @Flag(help: "Write a Slurm job array (one task per point) and a gather job instead of running here.") var slurm = false
    @Option(help: "Slurm partition.") var partition: String?
    @Option(help: "Slurm time limit per task, e.g. 02:00:00.") var time: String?
    @Option(parsing: .unconditional, help: "Slurm CPUs per task (the point's OpenBLAS threads; default --threads or 2).") var cpusPerTask:
        Int?
    @Flag(help: "Submit the array and the gather job (afterok) with sbatch and print their job ids.") var submit = false
    @Flag(
        help:
            "Run nothing: list the points cached and those that would run (and why), the unfinished runs they would resume, and the table of what is cached so far."
    )
    var dryRun = false

    func validate() throws {
        guard jobs > 0 else { throw ValidationError("--jobs must be positive, got \(jobs)") }
        if let threads { try validateThreads(threads) }
        if let cpusPerTask, cpusPerTask <= 0 { throw ValidationError("--cpus-per-task must be positive, got \(cpusPerTask)") }
        if submit && !slurm { throw ValidationError("--submit goes with --slurm") }
        if dryRun && slurm { throw ValidationError("--dry-run runs nothing and writes no Slurm scripts; leave out --slurm") }
    }

    func run() throws {
        let nb = try findNotebook(notebook, forRunning: true)
        if !dryRun {
            do { try WritableFolder.require(outputs + "/" + nb.name, for: "the sweep's outputs") } catch let p as WritableFolder.Problem {
                throw RuntimeError(p.description + "; nothing was run")
            }
        }
        let parsed: ParameterGrid
        do { parsed = try ParameterGrid(notebook: nb, options: grid) } catch let e as NotebookError { throw ValidationError(e.description) }
        var options = Sweep.Options(executable: executablePath)
        options.jobs = jobs
        options.threads = threads ?? cpusPerTask ?? max(1, ProcessInfo.processInfo.activeProcessorCount / jobs)
        options.cell = cell
        options.outputs = outputs
        options.dataDirectory = data.directory
        let sweep: Sweep
        do { sweep = try Sweep(nb, grid: parsed, options: options) } catch let e as NotebookError { throw ValidationError(e.description) }
        if dryRun { return try printPlan(sweep) }
        if slurm { return try writeSlurm(sweep) }
        try sweep.run(live: isatty(STDERR_FILENO) != 0)
        print(try sweep.writeSummary(), terminator: "")
        print("summary: \(sweep.directory)/summary.md")
        let failed = sweep.failed
        if !failed.isEmpty {
            print("\(failed.count) of \(sweep.points.count) points failed: " + failed.map(\.label).joined(separator: "; "))
            throw ExitCode(1)
        }
    }

    func printPlan(_ sweep: Sweep) throws {
        let toRun = try sweep.plan()
        let waiting = Set(toRun.map(\.index))
        print(
            "sweep \(sweep.notebook.name) (dry run, nothing run): \(sweep.points.count) points, "
                + "\(sweep.points.count - toRun.count) cached, \(toRun.count) would run")
        for (i, p) in sweep.points.enumerated() where !waiting.contains(i) { print("  cached   \(p.label)") }
        for (i, reasons) in toRun { print("  to run   \(sweep.points[i].label): \(reasons.first ?? "stale")") }
        let unfinished = try sweep.unfinishedRuns()
        if !unfinished.isEmpty {
            print("unfinished runs (a point that trains one resumes it at its checkpoint):")
            for (f, training) in unfinished {
                print(
                    "  \((f.path as NSString).lastPathComponent): "
                        + (f.progress?.description ?? "not a complete run file; its run starts over")
                        + (training ? " (training now)" : ""))
            }
        }
        let (headers, rows) = try sweep.summary()
        print("\n" + Sweep.markdown(headers: headers, rows: rows), terminator: "")
    }

    func writeSlurm(_ sweep: Sweep) throws {
        let cpus = cpusPerTask ?? threads ?? 2
        let s = SlurmSweep(partition: partition, time: time, cpusPerTask: cpus)
        let gather = SweepArguments(
            notebook: notebook, grid: grid, jobs: 1, threads: cpus, outputs: outputs, cell: cell,
            dataDirectory: data.directory)
        let scripts = try s.writeScripts(for: sweep, gather: gather)
        print("job array (\(sweep.points.count) tasks): \(scripts.array)")
        print("gather job: \(scripts.gather)")
        guard submit else {
            print("submit with: jid=$(sbatch --parsable \(scripts.array)) && sbatch --dependency=afterok:$jid \(scripts.gather)")
            return
        }
        let ids = try s.submit(array: scripts.array, gather: scripts.gather)
        print("submitted: array job \(ids.array), gather job \(ids.gather) (runs after every task succeeds)")
    }
}
