import ForwardForward
import Foundation
import HDF5

/// What a run file holds.
public struct RunContents: Sendable {
    public var config: FFConfiguration
    public var run: String
    public var trace: [EpochTrace]
    public var checkpoint: TrainingCheckpoint?
    public var finalPerSample: Accuracies?
    public var finalBatch: Accuracies?
    public var attributes: [String: HDF5AttributeValue]

    public init(
        config: FFConfiguration, run: String, trace: [EpochTrace], checkpoint: TrainingCheckpoint?,
        finalPerSample: Accuracies?, finalBatch: Accuracies?, attributes: [String: HDF5AttributeValue]
    ) {
        self.config = config
        self.run = run
        self.trace = trace
        self.checkpoint = checkpoint
        self.finalPerSample = finalPerSample
        self.finalBatch = finalBatch
        self.attributes = attributes
    }
}

public struct RunFileError: Error, CustomStringConvertible {
    public let path: String
    public let problem: String
    public var description: String { "\(path): \(problem)" }
}

/// A training run in one HDF5 file (layout in docs/hdf5-layout.md).
///
/// Crash safety: the file is never modified in place. Each write builds a
/// complete new file under a temporary name beside it, marks it complete
/// (root attribute `complete = 1`) as the last thing, closes it and renames it
/// over the old one, which is atomic on POSIX file systems: a reader, or a
/// resumed run, sees the previous file or the new one, never a mixture. A file
/// without the mark is refused.
public enum RunFile {
    public static let format = "amsga-run"
    public static let formatVersion = 1

    public static func write(
        path: String, config: FFConfiguration, trace: [EpochTrace],
        checkpoint: TrainingCheckpoint?, final: (Accuracies, Accuracies)? = nil,
        durable: Bool = false, attributes: [String: HDF5AttributeValue] = [:]
    ) throws {
        try stage(path: path, config: config, trace: trace, checkpoint: checkpoint, final: final, attributes: attributes)
            .publish(durable: durable)
    }

    /// Writes the run file complete under a temporary name beside `path`
    /// (`publish` moves it into place), built in memory and written in one go.
    public static func stage(
        path: String, config: FFConfiguration, trace: [EpochTrace],
        checkpoint: TrainingCheckpoint?, final: (Accuracies, Accuracies)? = nil,
        attributes: [String: HDF5AttributeValue] = [:]
    ) throws -> StagedRunFile {
        let staged = StagedRunFile(path: path)
        let run = config.name
        do {
            let f = try HDF5File.create(staged.temporary, inMemory: estimatedBytes(trace: trace, checkpoint: checkpoint))
            let json = configurationJSON(config)
            try Provenance.write(on: f.root, format: format, parametersJSON: json, seed: config.seed)
            for (name, value) in attributes.sorted(by: { $0.key < $1.key }) { try f.root.setAttribute(name, value) }
            try writeTraceGroup(try f.root.createGroup("traces/\(run)"), config: config, trace: trace, final: final)
            if let c = checkpoint {
                let cg = try f.root.createGroup("checkpoints/\(run)")
                try CheckpointLayout.write(c, sizes: config.layerSizes, into: cg)
            }
            try f.root.setAttribute("complete", .int(1))
            try f.close()
        } catch {
            staged.discard()
            throw RunFileError(path: path, problem: "could not be written, so its previous version is kept: \(error)")
        }
        return staged
    }

    /// Writes `run` without its checkpoints: the provenance of the original
    /// file, the configuration, the trace and the final accuracies, plus
    /// `attributes`. Small enough to commit; all that tables and figures need.
    public static func writeTraceOnly(
        _ run: RunContents, to path: String,
        attributes extra: [String: HDF5AttributeValue] = [:]
    ) throws {
        let tmp = StagedRunFile.temporaryName(path, pid: getpid())
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        do {
            let f = try HDF5File.create(tmp)
            for (name, value) in run.attributes.merging(extra, uniquingKeysWith: { $1 }).sorted(by: { $0.key < $1.key })
            where name != "complete" {
                try f.root.setAttribute(name, value)
            }
            let tg = try f.root.createGroup("traces/\(run.run)")
            try writeTraceGroup(
                tg, config: run.config, trace: run.trace,
                final: run.finalPerSample.flatMap { ps in run.finalBatch.map { (ps, $0) } })
            try f.root.setAttribute("complete", .int(1))
            try f.close()
        }
        guard rename(tmp, path) == 0 else {
            throw RunFileError(path: path, problem: "cannot move the new file into place: \(String(cString: strerror(errno)))")
        }
    }

    static func writeTraceGroup(
        _ tg: HDF5Group, config: FFConfiguration, trace: [EpochTrace],
        final: (Accuracies, Accuracies)?
    ) throws {
        try tg.setAttribute("order", .string(config.order.rawValue))
        try tg.setAttribute("layer_sizes", .ints(config.layerSizes.map(Int64.init)))
        try tg.setAttribute("total_steps", .int(Int64(totalSteps(config))))
        try TraceLayout.write(trace, layers: config.weightLayerCount, into: tg)
        if let (ps, bt) = final {
            try tg.setAttribute("final_accuracy_per_sample", .doubles([ps.train, ps.validation, ps.test]))
            try tg.setAttribute("final_accuracy_batch", .doubles([bt.train, bt.validation, bt.test]))
            try tg.setAttribute("final_accuracy_columns", .strings(["train", "validation", "test"]))
        }
        try tg.setAttribute("sha256", .string(TraceLayout.digest(trace, layers: config.weightLayerCount, final: final)))
    }

    /// Whether `path` is a run file with its completion mark, without reading its datasets.
    public static func isComplete(path: String) -> Bool {
        guard let f = try? HDF5File.open(path) else { return false }
        defer { try? f.close() }
        return f.root.hasAttribute("complete") && (try? f.root.attribute("complete").int) == 1
            && (try? f.root.attribute("format").string) == format
    }

    /// The configuration JSON of a complete run file, and whether its training
    /// finished (it has final accuracies), from attributes alone; nil when the
    /// file is missing, incomplete or not a run file.
    public static func summary(path: String) -> (parametersJSON: String, finished: Bool)? {
        guard isComplete(path: path), let f = try? HDF5File.open(path) else { return nil }
        defer { try? f.close() }
        guard let json = try? f.root.attribute("parameters").string,
            let config = try? JSONDecoder().decode(FFConfiguration.self, from: Data(json.utf8)),
            let tg = try? f.root.group("traces/\(config.name)")
        else { return nil }
        return (json, tg.hasAttribute("final_accuracy_per_sample"))
    }

    /// The run in `path`; every failure is a `RunFileError` naming the file,
    /// whichever part of it (a group, a dataset, an attribute) could not be read.
    public static func read(path: String) throws -> RunContents {
        do { return try readContents(path: path) } catch let e as RunFileError { throw e } catch {
            throw RunFileError(path: path, problem: "cannot be read (\(error)); not trusted")
        }
    }

    private static func readContents(path: String) throws -> RunContents {
        let f: HDF5File
        do { f = try HDF5File.open(path) } catch {
            throw RunFileError(path: path, problem: "cannot be opened as HDF5 (\(error)); not trusted")
        }
        defer { try? f.close() }
        guard f.root.hasAttribute("complete"), try f.root.attribute("complete").int == 1 else {
            throw RunFileError(path: path, problem: "incomplete: it lacks the completion mark (a write was interrupted); not trusted")
        }
        guard try f.root.attribute("format").string == format else {
            throw RunFileError(path: path, problem: "not an amsga run file (format is \(try f.root.attribute("format")))")
        }
        let version = try f.root.attribute("format_version").int ?? -1
        guard version == Int64(formatVersion) else {
            throw RunFileError(path: path, problem: "format version \(version), this amsga reads \(formatVersion)")
        }
        guard let json = try f.root.attribute("parameters").string else {
            throw RunFileError(path: path, problem: "parameters attribute is not a string")
        }
        let config: FFConfiguration
        do { config = try JSONDecoder().decode(FFConfiguration.self, from: Data(json.utf8)) } catch {
            throw RunFileError(path: path, problem: "parameters are not a valid configuration: \(error)")
        }
        let tg = try f.root.group("traces/\(config.name)")
        let trace = try TraceLayout.read(from: tg)
        var checkpoint: TrainingCheckpoint?
        if f.root.contains("checkpoints/\(config.name)") {
            let cg = try f.root.group("checkpoints/\(config.name)")
            if let last = try cg.children().filter({ $0.hasPrefix("epoch_") }).sorted().last {
                do { checkpoint = try CheckpointLayout.read(from: try cg.group(last)) } catch {
                    throw RunFileError(path: path, problem: "\(error)")
                }
            }
        }
        let (finalPerSample, finalBatch) = try finalAccuracies(tg)
        guard tg.hasAttribute("sha256") else {
            throw RunFileError(
                path: path, problem: "its trace has no digest (written before traces carried one; `amsga cache migrate` adds it)")
        }
        let final = finalPerSample.flatMap { ps in finalBatch.map { (ps, $0) } }
        guard try tg.attribute("sha256").string == TraceLayout.digest(trace, layers: config.weightLayerCount, final: final) else {
            throw RunFileError(path: path, problem: "its trace changed after it was written (SHA-256 differs); not trusted")
        }
        var attrs: [String: HDF5AttributeValue] = [:]
        for name in try f.root.attributeNames() { attrs[name] = try f.root.attribute(name) }
        return RunContents(
            config: config, run: config.name, trace: trace, checkpoint: checkpoint,
            finalPerSample: finalPerSample, finalBatch: finalBatch, attributes: attrs)
    }

    static func finalAccuracies(_ tg: HDF5Group) throws -> (perSample: Accuracies?, batch: Accuracies?) {
        func accuracies(_ name: String) throws -> Accuracies? {
            guard tg.hasAttribute(name), case .doubles(let v) = try tg.attribute(name), v.count == 3 else { return nil }
            return Accuracies(train: v[0], validation: v[1], test: v[2])
        }
        return (try accuracies("final_accuracy_per_sample"), try accuracies("final_accuracy_batch"))
    }

    /// Adds the trace digest to a complete file written before traces carried
    /// one (in place: the caller works on a copy). False when it had one.
    public static func addMissingTraceDigest(path: String) throws -> Bool {
        let f = try HDF5File.open(path, writable: true)
        defer { try? f.close() }
        guard let json = try f.root.attribute("parameters").string,
            let config = try? JSONDecoder().decode(FFConfiguration.self, from: Data(json.utf8))
        else {
            throw RunFileError(path: path, problem: "has no readable configuration")
        }
        let tg = try f.root.group("traces/\(config.name)")
        if tg.hasAttribute("sha256") { return false }
        let (ps, batch) = try finalAccuracies(tg)
        try tg.setAttribute(
            "sha256",
            .string(
                TraceLayout.digest(
                    try TraceLayout.read(from: tg), layers: config.weightLayerCount,
                    final: ps.flatMap { p in batch.map { (p, $0) } })))
        return true
    }

    /// A little more than a run file takes: its values, and room for the metadata.
    static func estimatedBytes(trace: [EpochTrace], checkpoint: TrainingCheckpoint?) -> Int {
        let perRow = 1 + TraceLayout.columns.count + TraceLayout.layerColumns.count * (trace.first?.layers.count ?? 0)
        let tensors =
            checkpoint.map { c in
                (c.parameters + c.adamFirstMoments + c.adamSecondMoments + c.peerMeans).reduce(0) { $0 + $1.count }
                    + c.readoutWeights.count + c.readoutSmoothedGradient.count
            } ?? 0
        return 8 * perRow * trace.count + 4 * tensors + (512 << 10)
    }

    static func totalSteps(_ c: FFConfiguration) -> Int { c.order == .greedy ? c.epochs * c.weightLayerCount : c.epochs }

    /// The configuration as every run file stores it (keys sorted): its hash names a run.
    public static func configurationJSON(_ config: FFConfiguration) -> String {
        CanonicalJSON.string(config)
    }

    static func sync(_ path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw RunFileError(path: path, problem: "cannot open to sync") }
        defer { close(fd) }
        fsync(fd)
    }
}
