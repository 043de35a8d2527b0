import ForwardForward
import Foundation
import HDF5

/// Keeps a trainer's run file: the whole file, written at each checkpoint
/// (every N steps and at the last) and once more with the final accuracies.
///
/// Why not append each epoch's trace row in place: HDF5 keeps no journal, so
/// a process killed while it flushes metadata can leave a file that no longer
/// opens, and with it the one checkpoint a resume needs; HDF5 1.10 also marks
/// a file open for writing, so a killed writer leaves one that readers refuse
/// until `h5clear` (SWMR keeps the same marks). The rows after a checkpoint
/// are made again on resume, so nothing needs them on disk sooner: they stay
/// in the trainer's memory, and each checkpoint's file carries the trace up
/// to it. A checkpoint every 10 epochs costs a tenth of one file per epoch.
///
/// A checkpoint's file is written here, then synced and renamed into place
/// on a background thread while the next epochs train (the wait is the
/// disk's, not the processor's); the next write, the final one and `deinit`
/// wait for it first. A kill before the rename leaves the previous file.
public final class RunRecorder {
    public let path: String
    public let checkpointEvery: Int
    private var lastCheckpoint: TrainingCheckpoint?
    /// Seconds each `record` call spent (0 for a step between checkpoints).
    public private(set) var writeSeconds: [Double] = []
    /// How many whole files it wrote.
    public private(set) var filesWritten = 0

    /// Root attributes every write adds (e.g. `data_source`).
    public let attributes: [String: HDF5AttributeValue]

    private let publishing = DispatchGroup()
    private let publisher = DispatchQueue(label: "amsga.run-file.publish")
    /// Set on the publisher's thread, read after `publishing.wait()`, which orders the two.
    private final class Outcome: @unchecked Sendable { var error: Error? }
    private let published = Outcome()

    /// `checkpoint` is the one a resumed trainer restored (nil for a fresh run):
    /// no default, since a resumed run that forgets it writes files without one.
    public init(
        path: String, checkpointEvery: Int, resumingFrom checkpoint: TrainingCheckpoint?,
        attributes: [String: HDF5AttributeValue] = [:]
    ) throws {
        guard checkpointEvery > 0 else {
            throw RunFileError(path: path, problem: "checkpoint interval must be positive, got \(checkpointEvery)")
        }
        self.path = path
        self.attributes = attributes
        self.checkpointEvery = checkpointEvery
        lastCheckpoint = checkpoint
        StagedRunFile.removeAbandoned(of: path)
    }

    deinit { publishing.wait() }

    /// Call after every step, and once more with `final` after the last.
    public func record(_ trainer: FFTrainer, final: (Accuracies, Accuracies)? = nil) throws {
        FaultInjection.reach(.step)
        let t0 = DispatchTime.now().uptimeNanoseconds
        defer { writeSeconds.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9) }
        let checkpointNow = final == nil && (trainer.stepsDone % checkpointEvery == 0 || trainer.finished)
        guard checkpointNow || final != nil else { return }
        try waitForPublishing()
        if checkpointNow { lastCheckpoint = trainer.checkpoint() }
        // At a checkpoint and at the end, the trainer's trace ends where the checkpoint does.
        let staged = try RunFile.stage(
            path: path, config: trainer.config, trace: trainer.trace, checkpoint: lastCheckpoint,
            final: final, attributes: attributes)
        filesWritten += 1
        if final != nil { return try staged.publish(durable: true) }
        publisher.async(group: publishing) { [published] in
            do { try staged.publish(durable: true) } catch { published.error = error }
        }
    }

    /// Waits for the last checkpoint's file to be in place; rethrows why it is not.
    public func waitForPublishing() throws {
        publishing.wait()
        if let e = published.error {
            published.error = nil
            throw e
        }
    }
}
