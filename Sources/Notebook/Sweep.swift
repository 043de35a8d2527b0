import Datasets
import Foundation
import RunStore

/// A grid of parameter sets run like `amsga run`, J points at a time as
/// separate processes: each point is its own parameter set in the shared
/// cache, so a point that is cached is not run again, a killed sweep run again
/// runs only what is missing, and one failing point does not stop the others.
public final class Sweep {
    public struct Options: Sendable {
        public var jobs = 1
        /// OpenBLAS threads per point.
        public var threads = 1
        /// Run only this cell (and the stale cells it needs) at each point.
        public var cell: String?
        public var outputs = "outputs"
        public var dataDirectory: String?
        /// The `amsga` executable the points run with.
        public var executable: String
        public init(executable: String) { self.executable = executable }
    }

    public enum Outcome: Sendable, Equatable {
        case cached
        case ran(seconds: Double)
        case failed(status: Int32, log: String)
    }

    public struct Point: Sendable {
        /// `name=value` per swept parameter.
        public let overrides: [String]
        public var outcome: Outcome?
        public var label: String { overrides.joined(separator: " ") }
    }

    public let notebook: Notebook
    public let grid: ParameterGrid
    public let options: Options
    public private(set) var points: [Point]
    /// Where the points' logs (and a cluster's scripts) go.
    public let directory: String
    public var report: (String) -> Void = { print($0) }
    private var running: [(index: Int, process: Process, started: Date)] = []

    public init(_ notebook: Notebook, grid: ParameterGrid, options: Options) throws {
        guard options.jobs > 0 else { throw NotebookError("--jobs must be positive, got \(options.jobs)") }
        guard options.threads > 0 else { throw NotebookError("--threads must be positive, got \(options.threads)") }
        self.notebook = notebook
        self.grid = grid
        self.options = options
        points = grid.points.map { Point(overrides: $0) }
        directory = options.outputs + "/" + notebook.name + "/sweeps/" + grid.label
        if let cell = options.cell { _ = try notebook.cell(cell) }
    }

    /// The runner of point i (what `amsga run` with its overrides sees).
    public func runner(_ i: Int) throws -> NotebookRunner {
        let r = try NotebookRunner(
            notebook, overrides: points[i].overrides, outputs: options.outputs,
            locator: DataLocator(explicit: options.dataDirectory), threads: options.threads)
        r.log = { _ in }
        return r
    }

    /// The cells `amsga run` is asked for at each point.
    var targetCells: [Int] { get throws { try options.cell.map { [try notebook.cell($0)] } ?? Array(notebook.cells.indices) } }

    /// What `run` would do, running nothing: marks the points whose cells are
    /// all cached as `run` would, and returns every other point with why it
    /// would run (the first stale cell's reasons).
    public func plan() throws -> [(index: Int, reasons: [String])] {
        var toRun: [(index: Int, reasons: [String])] = []
        let runners = try points.indices.map { try runner($0) }
        // Every point's configurations are checked before any point runs.
        for r in runners { try r.checkBeforeRunning(cells: try targetCells) }
        for (i, r) in runners.enumerated() {
            if let stale = try targetCells.lazy.map({ r.status($0) }).first(where: { !$0.fresh }) {
                toRun.append((i, stale.reasons))
            } else {
                points[i].outcome = .cached
            }
        }
        return toRun
    }

    /// The run files of the swept cells that have not finished: a point that
    /// trains one of them resumes it at its last checkpoint. `training`: a
    /// process holds the file's lock now.
    public func unfinishedRuns() throws -> [(file: NotebookRunner.CachedRunFile, training: Bool)] {
        let r = try runner(0)
        let cells = Set(try targetCells)
        return r.cacheListing().filter { cells.contains($0.index) }.flatMap(\.runFiles).filter { !$0.finished }.map { f in
            (f, RunLock.isHeld(runPath: f.path))
        }
    }

    public func logPath(_ i: Int) -> String {
        directory + "/" + ParameterSetLabel.sanitise(points[i].overrides.joined(separator: "_")) + ".log"
    }

    /// Runs every point that is not cached, `jobs` at a time; returns when all have ended.
    public func run(live: Bool) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var pending = try plan().map(\.index)
        let cached = points.count - pending.count
        report(
            "sweep \(notebook.name): \(points.count) points, \(cached) cached, \(pending.count) to run, "
                + "\(options.jobs) at a time with \(options.threads) thread\(options.threads == 1 ? "" : "s") each; logs in \(directory)/")
        let start = Date()
        let stop = StopSignal()
        var lastLine = Date.distantPast
        while !pending.isEmpty || !running.isEmpty {
            if stop.received {
                for r in running { r.process.terminate() }
                for r in running { r.process.waitUntilExit() }
                throw NotebookError("sweep stopped by a signal; run it again to complete the missing points")
            }
            while running.count < options.jobs, !pending.isEmpty { try launch(pending.removeFirst(), live: live) }
            for r in running where !r.process.isRunning {
                finish(r.index, status: r.process.terminationStatus, started: r.started, live: live)
            }
            running.removeAll { !$0.process.isRunning }
            if live, Date().timeIntervalSince(lastLine) >= 0.5 {
                FileHandle.standardError.write(Data(("\r\u{1B}[K" + progressLine(pending: pending.count, since: start)).utf8))
                lastLine = Date()
            }
            if !running.isEmpty { Thread.sleep(forTimeInterval: 0.1) }
        }
        if live { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    private func launch(_ i: Int, live: Bool) throws {
        var env = ProcessInfo.processInfo.environment
        env["OPENBLAS_NUM_THREADS"] = String(options.threads)  // no idle pool threads beyond the point's share
        env["AMSGA_NO_REBUILD"] = "1"  // the sweep rebuilt before it started; its points must not build at once
        guard FileManager.default.createFile(atPath: logPath(i), contents: nil) else { throw NotebookError("cannot write \(logPath(i))") }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath(i)))
        defer { try? log.close() }
        let p = try Subprocess.start(
            [options.executable] + runArguments(i, threads: options.threads).arguments, environment: env,
            output: .file(log)
        ).process
        running.append((i, p, Date()))
        if !live { report("[start] \(points[i].label)") }
    }

    /// The `amsga run` of point i.
    public func runArguments(_ i: Int, threads: Int) -> RunArguments {
        RunArguments(
            notebook: notebook.name, overrides: points[i].overrides, threads: threads, outputs: options.outputs,
            cell: options.cell, dataDirectory: options.dataDirectory)
    }

    private func finish(_ i: Int, status: Int32, started: Date, live: Bool) {
        let seconds = Date().timeIntervalSince(started)
        points[i].outcome = status == 0 ? .ran(seconds: seconds) : .failed(status: status, log: logPath(i))
        let done = points.filter { $0.outcome != nil }.count
        if live { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        if status == 0 {
            report(String(format: "[%d/%d] %@: done in %.1f s", done, points.count, points[i].label, seconds))
        } else {
            let tail = ((try? String(contentsOfFile: logPath(i), encoding: .utf8)) ?? "").split(separator: "\n").suffix(5)
            report(
                "[\(done)/\(points.count)] \(points[i].label): FAILED (exit \(status)); log: \(logPath(i))\n"
                    + tail.map { "    " + $0 }.joined(separator: "\n"))
        }
    }

    private func progressLine(pending: Int, since start: Date) -> String {
        let ran = points.compactMap { if case .ran(let s)? = $0.outcome { return s } else { return nil } }
        let done = points.filter { $0.outcome != nil }.count
        let failed = points.filter { if case .failed? = $0.outcome { return true } else { return false } }.count
        var line =
            "\(done)/\(points.count) done, \(running.count) running, \(failed) failed, "
            + Self.duration(Date().timeIntervalSince(start)) + " elapsed"
        if !ran.isEmpty {
            let mean = ran.reduce(0, +) / Double(ran.count)
            let runningLeft = running.map { max(0, mean - Date().timeIntervalSince($0.started)) }.reduce(0, +)
            line += ", about " + Self.duration((Double(pending) * mean + runningLeft) / Double(options.jobs)) + " left"
        }
        return line
    }

    static func duration(_ s: Double) -> String {
        s < 90 ? String(format: "%.0f s", s) : s < 5400 ? String(format: "%.0f min", s / 60) : String(format: "%.1f h", s / 3600)
    }

    public var failed: [Point] { points.filter { if case .failed? = $0.outcome { return true } else { return false } } }
}

/// SIGINT and SIGTERM, noticed instead of killing the sweep, so that it stops its points first.
final class StopSignal: @unchecked Sendable {
    private let sources: [DispatchSourceSignal]
    private let lock = NSLock()
    private var flag = false

    init() {
        var made: [DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            made.append(s)
        }
        sources = made
        for s in sources {
            s.setEventHandler { [weak self] in self?.set() }
            s.resume()
        }
    }

    private func set() { lock.withLock { flag = true } }
    var received: Bool { lock.withLock { flag } }

    deinit {
        for s in sources { s.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
