import Datasets
import ForwardForward
import Foundation
import RunStore
import TestSupport
import Testing

@Suite("xarray reads our HDF5", .serialized)
struct XarrayInteropTests {
    @Test("A run's trace group and a cell's tensors open in xarray (h5netcdf) with named dimensions and units")
    func namedDimensions() throws {
        guard amsgaExecutable() != nil, (try? DataLocator().folder(for: .fashionMNIST)) != nil else {
            print("skipping: no amsga executable or no Fashion-MNIST")
            return
        }
        let python = "/usr/bin/python3"
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: python)
        probe.arguments = ["-c", "import xarray, h5netcdf"]
        probe.standardError = FileHandle.nullDevice
        try probe.run()
        probe.waitUntilExit()
        guard probe.terminationStatus == 0 else {
            print("skipping: xarray or h5netcdf not importable by \(python)")
            return
        }
        let dir = Scratch.path("xarray")
        let params = ["-p", "epochs=4", "-p", "trainSize=60", "-p", "evalSize=20", "--threads", "1"]
        try runToEnd(["run", "quickstart", "--outputs", dir] + params)
        let script = """
            import glob, json, sys, xarray as xr
            d = sys.argv[1]
            run = glob.glob(d + "/quickstart/cache/03-train-amsga/runs/*.run.h5")[0]
            t = xr.open_dataset(run, group="traces/amsga-fashion", engine="h5netcdf")
            state = glob.glob(d + "/quickstart/cache/01-data/*/state.h5")[0]
            c = xr.open_dataset(state, group="tensors", engine="h5netcdf")
            print(json.dumps({"trace_dims": sorted(t.sizes), "loss_dims": list(t["loss"].dims),
                              "no_units": sorted(v for v in list(t.data_vars) + list(t.coords) if "units" not in t[v].attrs),
                              "tensor_dims": list(c["class_counts"].dims), "phony": [k for k in c.sizes if k.startswith("phony")]}))
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = ["-c", script, dir]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["trace_dims"] as? [String] == ["epoch", "layer"])
        #expect(json["loss_dims"] as? [String] == ["epoch", "layer"])
        #expect(json["no_units"] as? [String] == [], "\(json)")
        #expect(json["tensor_dims"] as? [String] == ["class_counts_dim0"] && (json["phony"] as? [String])?.isEmpty == true)
    }
}
