import ForwardForward
import Foundation
import HDF5

extension RunFile {
    /// How far the training in a run file got.
    public struct Progress: Sendable, Equatable {
        public var stepsTraced: Int
        public var totalSteps: Int
        /// The step of the last checkpoint, where a resume starts; nil without one.
        public var lastCheckpoint: Int?
        /// It has its final accuracies.
        public var finished: Bool

        public init(stepsTraced: Int, totalSteps: Int, lastCheckpoint: Int?, finished: Bool) {
            self.stepsTraced = stepsTraced
            self.totalSteps = totalSteps
            self.lastCheckpoint = lastCheckpoint
            self.finished = finished
        }

        /// "step 30 of 60 traced, checkpoint at step 30".
        public var description: String {
            "step \(stepsTraced) of \(totalSteps) traced, " + (lastCheckpoint.map { "checkpoint at step \($0)" } ?? "no checkpoint yet")
        }
    }

    /// The progress of a complete run file from its attributes and dataset
    /// shapes alone: no checkpoint tensor is read, so a 100 MB file costs
    /// milliseconds. Nil when the file is missing, incomplete or not a run file.
    public static func progress(path: String) -> Progress? {
        guard let s = summary(path: path),
            let config = try? JSONDecoder().decode(FFConfiguration.self, from: Data(s.parametersJSON.utf8)),
            let f = try? HDF5File.open(path)
        else { return nil }
        defer { try? f.close() }
        guard let tg = try? f.root.group("traces/\(config.name)"), let epochs = try? tg.dataset("epoch") else { return nil }
        var checkpoint: Int?
        if f.root.contains("checkpoints/\(config.name)"), let cg = try? f.root.group("checkpoints/\(config.name)"),
            let last = (try? cg.children())?.filter({ $0.hasPrefix("epoch_") }).sorted().last,
            let steps = (try? cg.group(last).attribute("steps_done"))?.int
        {
            checkpoint = Int(steps)
        }
        let total = (try? tg.attribute("total_steps"))?.int.map(Int.init) ?? totalSteps(config)
        return Progress(stepsTraced: epochs.shape.first ?? 0, totalSteps: total, lastCheckpoint: checkpoint, finished: s.finished)
    }
}

/// Wall seconds per step of a training run as its progress line shows them:
/// measured across the steps this process made, writes and evaluations
/// included (one step's own `wallSeconds` leaves the writes out), counted
/// from the first step it sees, since a resumed run starts after its checkpoint.
/// Only the last `window` seconds count, so that the pace follows a machine
/// that got busier or quieter: a run that shared the cores with a build for
/// its first hour otherwise showed twice its true time left for hours after.
public struct StepPace {
    /// Long enough to average over a run's evaluations (every 50 steps at a
    /// few seconds a step), short enough to follow a change within minutes.
    public static let window: TimeInterval = 600
    /// (time, step ended) pairs, oldest first; the first is the start, before the first step seen.
    private var marks: [(time: Date, step: Int)] = []
    private let start: Date

    public init(start: Date = Date()) { self.start = start }

    /// Seconds per step after `step` (1-based) has ended at `now`, and the seconds the remaining steps of `total` will take.
    public mutating func after(step: Int, of total: Int, now: Date = Date()) -> (perStep: Double, left: Double) {
        if marks.isEmpty { marks.append((start, step - 1)) }
        marks.append((now, step))
        // Keep one mark at or before the window's start, so the pace spans the whole window.
        while marks.count > 2, now.timeIntervalSince(marks[1].time) >= Self.window { marks.removeFirst() }
        let first = marks[0]
        let perStep = now.timeIntervalSince(first.time) / Double(max(1, step - first.step))
        return (perStep, perStep * Double(total - step))
    }
}
