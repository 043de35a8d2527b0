import Crypto
import Datasets
import ForwardForward
import Foundation
import HDF5

/// `/checkpoints/<run>/epoch_NNNNN/`, after the Keras weight-file convention:
/// the group lists its layers in `layer_names`, each layer group its tensors in
/// `weight_names`.
enum CheckpointLayout {
    static func groupName(step: Int) -> String {
        let s = String(step)
        return "epoch_" + String(repeating: "0", count: max(0, 5 - s.count)) + s
    }

    static func write(_ c: TrainingCheckpoint, sizes: [Int], into parent: HDF5Group) throws {
        let g = try parent.createGroup(groupName(step: c.stepsDone))
        let names = (1..<sizes.count).map { "layer\($0)" }
        try g.setAttribute("layer_names", .strings(names))
        try g.setAttribute("steps_done", .int(Int64(c.stepsDone)))
        for (l, name) in names.enumerated() {
            let lg = try g.createGroup(name)
            let (inp, out) = (sizes[l], sizes[l + 1])
            let p = c.parameters[l]
            try lg.setAttribute("weight_names", .strings(["weight", "bias"]))
            try lg.setAttribute("adam_step", .int(Int64(c.adamSteps[l])))
            let w = try write("weight", Array(p[0..<inp * out]), shape: [out, inp], in: lg)
            try w.setAttribute("description", .string("W, [out, in]: h = ReLU(W x̂ + b)"))
            try write("bias", Array(p[(inp * out)...]), in: lg)
            try write("adam_m", c.adamFirstMoments[l], in: lg)
            // All zeros where there is no second moment (the smoothed-SGD
            // optimiser: a third of a hinton checkpoint) or none yet (a greedy
            // layer not trained yet): left out, read back as zeros; the digest,
            // taken over the zeros, still covers it.
            if c.adamSecondMoments[l].contains(where: { $0 != 0 }) { try write("adam_v", c.adamSecondMoments[l], in: lg) }
            if !c.peerMeans.isEmpty {
                let d = try write("peer_mean", c.peerMeans[l], in: lg)
                try d.setAttribute("description", .string("peer normalisation: each unit's running mean activity on the positives"))
            }
        }
        if !c.readoutWeights.isEmpty {
            let rg = try g.createGroup("readout")
            let w = try write(
                "weight", c.readoutWeights, shape: [c.readoutWeights.count / LabelOverlay.classes, LabelOverlay.classes], in: rg)
            try w.setAttribute("description", .string("V, [features, 10]: the hard negatives' softmax read-out, z = [x̂_2 … x̂_L] V"))
            try write(
                "smoothed_gradient", c.readoutSmoothedGradient,
                shape: [c.readoutWeights.count / LabelOverlay.classes, LabelOverlay.classes], in: rg)
        }
        let rng = try g.createGroup("rng")
        try rng.setAttribute("generator", .string("xoshiro256** state words"))
        try write("negatives", c.negativesRNG, in: rng)
        try write("mining", c.miningRNG, in: rng)
        try g.setAttribute("sha256", .string(digest(c)))
    }

    /// A checkpoint tensor, contiguous and uncompressed; dimensionless ("1", CF).
    /// Shuffle + gzip 1 saved 14–21% of a trained layer's tensors and ran at
    /// tens of MB/s, most of a checkpoint's write (docs/hdf5-layout.md, "What
    /// a run file holds, and how big it gets").
    @discardableResult
    static func write<T: HDF5Scalar>(_ name: String, _ values: [T], shape: [Int]? = nil, in group: HDF5Group) throws -> HDF5Dataset {
        let shape = shape ?? [values.count]
        let d = try group.write(name, values, shape: shape, storage: .contiguous)
        try d.setAttribute("units", .string("1"))
        return d
    }

    /// SHA-256 of everything a resume restores. HDF5 keeps no checksums of its
    /// own: a flipped byte in a weight would otherwise be trained on.
    static func digest(_ c: TrainingCheckpoint) -> String {
        var h = SHA256()
        func add<T>(_ values: [T]) { values.withUnsafeBytes { h.update(bufferPointer: $0) } }
        add([Int64(c.stepsDone)])
        add(c.adamSteps.map(Int64.init))
        for a in c.parameters + c.adamFirstMoments + c.adamSecondMoments { add(a) }
        add(c.negativesRNG)
        add(c.miningRNG)
        for a in c.peerMeans { add(a) }  // none without peer normalisation: older digests still match
        add(c.readoutWeights)  // empty without the read-out: likewise
        add(c.readoutSmoothedGradient)
        return Verification.hex(h.finalize())
    }

    static func read(from g: HDF5Group) throws -> TrainingCheckpoint {
        guard case .strings(let names) = try g.attribute("layer_names") else {
            throw HDF5Error(operation: "read checkpoint \(g.path)", messages: ["layer_names is not a list of strings"])
        }
        var params: [[Float]] = []
        var m: [[Float]] = []
        var v: [[Float]] = []
        var steps: [Int] = []
        var peer: [[Float]] = []
        for name in names {
            let lg = try g.group(name)
            params.append(try lg.dataset("weight").read(as: Float.self) + lg.dataset("bias").read(as: Float.self))
            m.append(try lg.dataset("adam_m").read(as: Float.self))
            v.append(
                lg.contains("adam_v") ? try lg.dataset("adam_v").read(as: Float.self) : [Float](repeating: 0, count: m[m.count - 1].count))
            steps.append(Int(try lg.attribute("adam_step").int ?? 0))
            if lg.contains("peer_mean") { peer.append(try lg.dataset("peer_mean").read(as: Float.self)) }
        }
        var readoutWeights: [Float] = []
        var readoutGradient: [Float] = []
        if g.contains("readout") {
            let rg = try g.group("readout")
            readoutWeights = try rg.dataset("weight").read(as: Float.self)
            readoutGradient = try rg.dataset("smoothed_gradient").read(as: Float.self)
        }
        let rng = try g.group("rng")
        let c = TrainingCheckpoint(
            stepsDone: Int(try g.attribute("steps_done").int ?? -1), parameters: params,
            adamFirstMoments: m, adamSecondMoments: v, adamSteps: steps,
            negativesRNG: try rng.dataset("negatives").read(as: UInt64.self),
            miningRNG: try rng.dataset("mining").read(as: UInt64.self), peerMeans: peer,
            readoutWeights: readoutWeights, readoutSmoothedGradient: readoutGradient)
        // Checkpoints written before digests have none and are read as they are.
        if g.hasAttribute("sha256"), try g.attribute("sha256").string != digest(c) {
            throw HDF5Error(
                operation: "read checkpoint \(g.path)", messages: ["it changed after it was written (SHA-256 differs); not trusted"])
        }
        return c
    }
}
