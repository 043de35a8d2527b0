import ForwardForward
import Foundation
import RunStore

/// Seconds per epoch as a training cell spends them: each step followed by
/// its run file's recorder (the trace kept, a checkpoint written at its
/// interval), against the same steps alone. Timed over one whole checkpoint
/// interval, so that exactly one checkpoint's write falls in it.
public struct EndToEndTiming: Sendable {
    public var epochsTimed: Int
    public var checkpointEvery: Int
    /// The steps alone, per epoch.
    public var stepSeconds: Double
    /// The recorder's writes, per epoch.
    public var writeSeconds: Double
    /// The run file's size after the checkpoint.
    public var runFileBytes: Int

    public var perEpoch: Double { stepSeconds + writeSeconds }
    public var ratio: Double { perEpoch / stepSeconds }

    /// Steps `trainer` through the next `checkpointEvery` steps (fewer if it
    /// finishes first), writing its run file in `folder`, which it removes.
    public static func measure(_ trainer: FFTrainer, checkpointEvery: Int, folder: String) throws -> EndToEndTiming {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/bench.run.h5"
        let recorder = try RunRecorder(path: path, checkpointEvery: checkpointEvery, resumingFrom: nil)
        let steps = min(checkpointEvery, trainer.totalSteps - trainer.stepsDone)
        var stepping = 0.0
        for _ in 0..<steps {
            stepping += Machine.seconds { _ = trainer.step() }
            try recorder.record(trainer)
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        let n = Double(max(steps, 1))
        return EndToEndTiming(
            epochsTimed: steps, checkpointEvery: checkpointEvery, stepSeconds: stepping / n,
            writeSeconds: recorder.writeSeconds.reduce(0, +) / n, runFileBytes: size)
    }
}
