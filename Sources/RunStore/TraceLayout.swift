import Crypto
import Datasets
import ForwardForward
import HDF5

/// The trace's on-disk form: one 1-D dataset per per-epoch quantity and one
/// 2-D [epoch, layer] dataset per per-layer quantity, all sharing `epoch` as
/// the dimension scale of their first axis (`layer` of the second).
enum TraceLayout {
    struct Column: Sendable {
        var name: String
        var description: String
        var units: String
        var integer: Bool
        var get: @Sendable (EpochTrace) -> Double
        var set: @Sendable (inout EpochTrace, Double) -> Void
    }

    /// Units as CF writes them: "1" for fractions and other dimensionless values.
    static func double(
        _ name: String, _ description: String, units: String = "1",
        _ key: WritableKeyPath<EpochTrace, Double> & Sendable
    ) -> Column {
        Column(
            name: name, description: description, units: units, integer: false,
            get: { $0[keyPath: key] }, set: { $0[keyPath: key] = $1 })
    }

    static func int(_ name: String, _ description: String, _ key: WritableKeyPath<EpochTrace, Int> & Sendable) -> Column {
        Column(
            name: name, description: description, units: "count", integer: true,
            get: { Double($0[keyPath: key]) }, set: { $0[keyPath: key] = Int($1) })
    }

    static let columns: [Column] = [
        int("layer_epoch", "epoch of the layer being trained (greedy) or of the run (interleaved)", \.layerEpoch),
        int("training_layer", "1-based layer trained this epoch (greedy); 0 when every layer stepped", \.trainingLayer),
        double("learning_rate", "Adam learning rate η (eq. 12-13)", \.learningRate),
        double("progress", "training progress p = e/E", \.progress),
        Column(
            name: "stage", description: "curriculum stage: 0 mining off, 1 early, 2 middle, 3 late", units: "1", integer: true,
            get: { Double($0.stage.rawValue) }, set: { $0.stage = NegativeMining.Stage(rawValue: Int($1)) ?? .off }),
        double("band_radius", "band radius r(p) of the mining (eq. 7-10); NaN when mining is off", \.bandRadius),
        int("candidates", "candidate negatives scored", \.candidates),
        int("kept_band", "negatives kept from the band |g - θ| ≤ r", \.keptFromBand),
        int("kept_hard", "negatives kept from the hard set (eq. 9-10) outside the band", \.keptFromHard),
        int("kept_topup", "negatives added by the 60% minimum", \.keptFromTopUp),
        int("negatives_used", "negatives trained on", \.negativesUsed),
        double("wall_seconds", "wall time of the epoch, evaluation included", units: "s", \.wallSeconds),
        double(
            "accuracy_per_sample_train", "accuracy on a fixed ≤10,000-image training subset, per-sample goodness; NaN where not measured",
            \.accuracyPerSample.train),
        double(
            "accuracy_per_sample_validation", "validation accuracy, per-sample goodness; NaN where not measured",
            \.accuracyPerSample.validation),
        double("accuracy_per_sample_test", "test accuracy, per-sample goodness; NaN where not measured", \.accuracyPerSample.test),
        double("accuracy_batch_train", "accuracy on the training subset, batch goodness; NaN where not measured", \.accuracyBatch.train),
        double("accuracy_batch_validation", "validation accuracy, batch goodness; NaN where not measured", \.accuracyBatch.validation),
        double("accuracy_batch_test", "test accuracy, batch goodness; NaN where not measured", \.accuracyBatch.test),
    ]

    static let layerColumns: [(String, String, WritableKeyPath<LayerStatistics, Double> & Sendable)] = [
        ("loss", "layer loss (softplus FF loss); NaN when the layer did not step", \.loss),
        ("goodness_pos_mean", "mean goodness of the positives g⁺", \.goodnessPositiveMean),
        ("goodness_pos_std", "standard deviation of g⁺", \.goodnessPositiveStd),
        ("goodness_neg_mean", "mean goodness of the negatives trained on g⁻", \.goodnessNegativeMean),
        ("goodness_neg_std", "standard deviation of g⁻", \.goodnessNegativeStd),
        ("theta", "threshold θ(l, p) (eq. 11)", \.theta),
        ("pos_above_theta", "fraction of positives with g⁺ > θ", \.positivesAboveTheta),
        ("neg_below_theta", "fraction of negatives with g⁻ < θ", \.negativesBelowTheta),
        ("grad_norm", "L2 norm of the layer's (dW, db) before clipping", \.gradientNorm),
    ]

    static func write(_ trace: [EpochTrace], layers: Int, into g: HDF5Group) throws {
        let n = trace.count
        let epoch = try g.write("epoch", trace.map { Int64($0.epoch) }, storage: .series)
        try epoch.makeScale("epoch")
        try epoch.setAttribute("description", .string("step: epoch (interleaved) or layer-epoch counted across layers (greedy)"))
        try epoch.setAttribute("units", .string("1"))
        let layer = try g.write("layer", (1...max(layers, 1)).map { Int32($0) })
        try layer.makeScale("layer")
        try layer.setAttribute("units", .string("1"))
        try layer.setAttribute("description", .string("1-based layer"))
        for c in columns {
            let d =
                c.integer
                ? try g.write(c.name, trace.map { Int64(c.get($0)) }, storage: .series)
                : try g.write(c.name, trace.map(c.get), storage: .series)
            try d.setAttribute("description", .string(c.description))
            try d.setAttribute("units", .string(c.units))
            try d.attachScale(epoch, dimension: 0)
        }
        for (name, description, key) in layerColumns {
            var values = [Double]()
            values.reserveCapacity(n * layers)
            for t in trace { for l in 0..<layers { values.append(l < t.layers.count ? t.layers[l][keyPath: key] : .nan) } }
            let d = try g.write(name, values, shape: [n, layers], storage: HDF5Storage(chunk: [256, layers], extendible: true))
            try d.setAttribute("description", .string(description))
            try d.setAttribute("units", .string("1"))
            try d.attachScale(epoch, dimension: 0)
            try d.attachScale(layer, dimension: 1)
        }
    }

    /// SHA-256 of every value the trace group holds, as the reader gets them
    /// back, and of the final accuracies: HDF5 keeps no checksums, and a
    /// flipped byte in a trace would otherwise change a table or a figure.
    static func digest(_ trace: [EpochTrace], layers: Int, final: (Accuracies, Accuracies)?) -> String {
        var h = SHA256()
        var row: [Double] = []
        for t in trace {
            row.removeAll(keepingCapacity: true)
            row.append(Double(t.epoch))
            for c in columns { row.append(c.get(t)) }
            for (_, _, key) in layerColumns { for l in 0..<layers { row.append(l < t.layers.count ? t.layers[l][keyPath: key] : .nan) } }
            row.withUnsafeBytes { h.update(bufferPointer: $0) }
        }
        if let (ps, bt) = final {
            [ps.train, ps.validation, ps.test, bt.train, bt.validation, bt.test].withUnsafeBytes { h.update(bufferPointer: $0) }
        }
        return Verification.hex(h.finalize())
    }

    static func read(from g: HDF5Group) throws -> [EpochTrace] {
        let epochs = try g.dataset("epoch").read(as: Int64.self)
        let layers = try g.dataset("layer").count
        var trace = epochs.map {
            EpochTrace(
                epoch: Int($0), layerEpoch: 0, trainingLayer: 0, learningRate: .nan, progress: .nan, stage: .off,
                bandRadius: .nan, candidates: 0, keptFromBand: 0, keptFromHard: 0, keptFromTopUp: 0,
                negativesUsed: 0, layers: [LayerStatistics](repeating: LayerStatistics(), count: layers))
        }
        for c in columns {
            let values = try g.dataset(c.name).read(as: Double.self)
            guard values.count == trace.count else {
                throw HDF5Error(operation: "read trace \(g.path)/\(c.name)", messages: ["\(values.count) values for \(trace.count) epochs"])
            }
            for i in trace.indices { c.set(&trace[i], values[i]) }
        }
        for (name, _, key) in layerColumns {
            let values = try g.dataset(name).read(as: Double.self)
            guard values.count == trace.count * layers else {
                throw HDF5Error(
                    operation: "read trace \(g.path)/\(name)", messages: ["\(values.count) values for \(trace.count)×\(layers)"])
            }
            for i in trace.indices { for l in 0..<layers { trace[i].layers[l][keyPath: key] = values[i * layers + l] } }
        }
        return trace
    }
}
