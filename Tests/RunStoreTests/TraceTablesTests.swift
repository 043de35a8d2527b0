import ForwardForward
import Foundation
import RunStore
import Testing

@Suite("Traces as CSV tables")
struct TraceTablesTests {
    /// A finished greedy run (NaN in the rows of the layer not training) and its tables.
    static func exported() throws -> (run: String, tables: [String]) {
        let t = try tinyTrainer("baseline-mnist", epochs: 4)
        try t.train()
        let path = try scratchPath("run.h5")
        try RunFile.write(path: path, config: t.config, trace: t.trace, checkpoint: t.checkpoint(), final: t.evaluate())
        return (path, try TraceTables.write(runFile: path, to: (path as NSString).deletingLastPathComponent + "/csv"))
    }

    @Test("Every value reads back as the trace holds it: a row per step, a row per step and layer, the final accuracies")
    func roundTrip() throws {
        let (path, tables) = try Self.exported()
        let run = try RunFile.read(path: path)
        #expect(
            tables.map { ($0 as NSString).lastPathComponent } == [
                "baseline-mnist.csv", "baseline-mnist-layers.csv", "baseline-mnist-final.csv",
            ])
        func rows(_ p: String) throws -> [[String]] {
            try String(contentsOfFile: p, encoding: .utf8).split(separator: "\n").map { $0.components(separatedBy: ",") }
        }
        let steps = try rows(tables[0])
        let layers = try rows(tables[1])
        let final = try rows(tables[2])
        #expect(steps[0].prefix(3) == ["epoch [1]", "layer_epoch [count]", "training_layer [count]"])
        #expect(steps[0].contains("wall_seconds [s]"))
        #expect(steps.count == run.trace.count + 1 && layers.count == 2 * run.trace.count + 1)
        let lr = try #require(steps[0].firstIndex(of: "learning_rate [1]"))
        let loss = try #require(layers[0].firstIndex(of: "loss [1]"))
        for (k, t) in run.trace.enumerated() {
            #expect(Int(steps[k + 1][0]) == t.epoch && Double(steps[k + 1][lr]) == t.learningRate)
            for l in 0..<2 {
                let cell = layers[1 + 2 * k + l][loss]
                let value = t.layers[l].loss
                #expect(value.isNaN ? cell == "NaN" : Double(cell) == value, "step \(t.epoch) layer \(l + 1): \(cell) against \(value)")
            }
        }
        #expect(layers.dropFirst().contains { $0[loss] == "NaN" }, "greedy: the layer not training has NaN")
        #expect(final[3][0] == "test" && Double(final[3][1]) == run.finalPerSample?.test)
    }

    @Test("Python's csv reads the tables back as h5py reads the run file (where h5py is installed, as in CI)")
    func pythonAgreesWithH5py() throws {
        guard try Subprocess.run(["/usr/bin/python3", "-c", "import h5py"]).status == 0 else {
            print("skipping: python3-h5py not installed")
            return
        }
        let (path, tables) = try Self.exported()
        let script = """
            import csv, json, math, sys, h5py
            f = h5py.File(sys.argv[1], "r")
            name = json.loads(f.attrs["parameters"])["name"]
            g = f["traces/" + name]
            def same(text, value):
                x = float(text)
                return (math.isnan(x) and math.isnan(value)) or x == value
            bad = []
            with open(sys.argv[2], newline="") as h:
                rows = list(csv.DictReader(h))
            for header in rows[0]:
                column = header.split(" [")[0]
                for k, row in enumerate(rows):
                    if not same(row[header], float(g[column][k])): bad.append((column, k))
            with open(sys.argv[3], newline="") as h:
                rows = list(csv.DictReader(h))
            layers = len(g["layer"])
            for header in rows[0]:
                column = header.split(" [")[0]
                if column in ("epoch", "layer"): continue
                for k, row in enumerate(rows):
                    if not same(row[header], float(g[column][k // layers, k % layers])): bad.append((column, k))
            with open(sys.argv[4], newline="") as h:
                test = [r for r in csv.DictReader(h) if r["split"] == "test"][0]
            if not same(test["accuracy_per_sample [1]"], float(g.attrs["final_accuracy_per_sample"][2])): bad.append(("final", 2))
            print(json.dumps({"bad": bad[:5], "count": len(bad)}))
            """
        let r = try Subprocess.run(["/usr/bin/python3", "-c", script, path] + tables, includingErrors: false)
        #expect(r.status == 0)
        #expect(r.output.trimmingCharacters(in: .whitespacesAndNewlines) == "{\"bad\": [], \"count\": 0}", "\(r.output)")
    }
}
