import Foundation
import HDF5
import TestSupport
import Testing

func temporaryPath(_ name: String) throws -> String {
    let dir = try Scratch.folder("hdf5")
    return dir + "/" + name
}

@Suite("HDF5 wrapper")
struct HDF5Tests {
    @Test("Every numeric type round-trips at ranks 0-D shape [1] to 3-D, contiguous and compressed")
    func numericRoundTrip() throws {
        let path = try temporaryPath("types.h5")
        let f = try HDF5File.create(path)
        let shapes = [[1], [7], [3, 5], [2, 3, 4]]
        for (k, shape) in shapes.enumerated() {
            let n = shape.reduce(1, *)
            try f.root.write("f32_\(k)", (0..<n).map { Float($0) * 0.5 - 1 }, shape: shape)
            try f.root.write(
                "f64_\(k)", (0..<n).map { Double($0) / 3 }, shape: shape,
                storage: .compressed(shape: shape, elementSize: 8))
            try f.root.write("i32_\(k)", (0..<n).map { Int32($0) - 5 }, shape: shape)
            try f.root.write("i64_\(k)", (0..<n).map { Int64($0) << 40 }, shape: shape)
            try f.root.write("u8_\(k)", (0..<n).map { UInt8($0 % 256) }, shape: shape)
            try f.root.write("str_\(k)", strings: (0..<n).map { "é\($0)✓" }, shape: shape)
        }
        try f.close()
        let g = try HDF5File.open(path)
        for (k, shape) in shapes.enumerated() {
            let n = shape.reduce(1, *)
            #expect(try g.root.dataset("f32_\(k)").shape == shape)
            #expect(try g.root.dataset("f32_\(k)").read(as: Float.self) == (0..<n).map { Float($0) * 0.5 - 1 })
            #expect(try g.root.dataset("f64_\(k)").read(as: Double.self) == (0..<n).map { Double($0) / 3 })
            #expect(try g.root.dataset("i32_\(k)").read(as: Int32.self) == (0..<n).map { Int32($0) - 5 })
            #expect(try g.root.dataset("i64_\(k)").read(as: Int64.self) == (0..<n).map { Int64($0) << 40 })
            #expect(try g.root.dataset("u8_\(k)").read(as: UInt8.self) == (0..<n).map { UInt8($0 % 256) })
            #expect(try g.root.dataset("str_\(k)").readStrings() == (0..<n).map { "é\($0)✓" })
        }
        // HDF5 converts on read: Float32 values read as Double.
        #expect(try g.root.dataset("f32_1").read(as: Double.self)[1] == -0.5)
        try g.close()
    }

    @Test("Attributes of every kind round-trip on files, groups and datasets")
    func attributes() throws {
        let path = try temporaryPath("attrs.h5")
        let f = try HDF5File.create(path)
        let group = try f.root.createGroup("a/b/c")
        let d = try group.write("x", [1.0, 2.0])
        let values: [String: HDF5AttributeValue] = [
            "int": .int(-3), "double": .double(2.5), "string": .string("{\"json\": \"ü\"}"),
            "ints": .ints([1, 2, 3]), "u64": .uint64s([UInt64.max, 1]), "doubles": .doubles([.nan, 1e-300]),
            "strings": .strings(["layer1", "layer2"]),
        ]
        for target in [f.root, group, d] as [HDF5Object] {
            for (k, v) in values { try target.setAttribute(k, v) }
            try target.setAttribute("int", .int(4))  // replacing works
        }
        d.close()
        group.close()
        try f.close()
        let g = try HDF5File.open(path)
        for target in [g.root, try g.root.group("a/b/c"), try g.root.dataset("a/b/c/x")] as [HDF5Object] {
            #expect(try target.attributeNames() == values.keys.sorted())
            #expect(try target.attribute("int") == .int(4))
            #expect(try target.attribute("string") == .string("{\"json\": \"ü\"}"))
            #expect(try target.attribute("strings") == .strings(["layer1", "layer2"]))
            #expect(try target.attribute("u64") == .uint64s([UInt64.max, 1]))
            guard case .doubles(let ds) = try target.attribute("doubles") else {
                Issue.record("doubles")
                continue
            }
            #expect(ds[0].isNaN && ds[1] == 1e-300)
        }
        #expect(try g.root.children() == ["a"])
        #expect(g.root.isGroup("a/b") && !g.root.isGroup("a/b/c/x") && !g.root.contains("a/zz"))
    }

    @Test("Appending 10,000 values one at a time, with an epoch dimension scale")
    func appendSeries() throws {
        let path = try temporaryPath("series.h5")
        let f = try HDF5File.create(path)
        let epoch = try f.root.createSeries("epoch", of: Int64.self)
        let loss = try f.root.createSeries("loss", of: Double.self)
        try epoch.makeScale("epoch")
        try loss.attachScale(epoch, dimension: 0)
        for i in 0..<10_000 {
            try epoch.append([Int64(i + 1)])
            try loss.append([1 / Double(i + 1)])
        }
        #expect(loss.shape == [10_000])
        #expect(try loss.scaleNames(dimension: 0) == ["/epoch"])
        epoch.close()
        loss.close()
        #expect(f.openObjectCount == 2)  // the file and its root group
        try f.close()
        let g = try HDF5File.open(path)
        let values = try g.root.dataset("loss").read(as: Double.self)
        #expect(values.count == 10_000 && values[9_999] == 1 / 10_000.0)
        #expect(try g.root.dataset("epoch").read(as: Int64.self) == (1...10_000).map(Int64.init))
    }

    @Test("No identifiers stay open once the objects are released")
    func handles() throws {
        let path = try temporaryPath("handles.h5")
        let f = try HDF5File.create(path)
        do {
            let g = try f.root.createGroup("g")
            let d = try g.write("d", [1, 2, 3] as [Int32])
            try d.setAttribute("a", .string("x"))
            _ = try d.attribute("a")
            _ = try g.children()
            #expect(f.openObjectCount == 4)
        }
        #expect(f.openObjectCount == 2)
        try f.close()
    }

    @Test("A truncated or garbage file gives a clear error, and HDF5 prints nothing")
    func badFiles() throws {
        let good = try temporaryPath("good.h5")
        let f = try HDF5File.create(good)
        try f.root.write("x", [Float](repeating: 1, count: 100_000))
        try f.close()
        let data = try Data(contentsOf: URL(fileURLWithPath: good))
        let truncated = try temporaryPath("truncated.h5")
        let garbage = try temporaryPath("garbage.h5")
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: truncated))
        try Data("this is not HDF5 at all".utf8).write(to: URL(fileURLWithPath: garbage))
        let e1 = #expect(throws: HDF5Error.self) { _ = try HDF5File.open(truncated).root.dataset("x").read(as: Float.self) }
        #expect(e1?.description.contains("truncated.h5") == true)
        let e2 = #expect(throws: HDF5Error.self) { try HDF5File.open(garbage) }
        #expect(e2?.description.contains("not an HDF5 file") == true)
        #expect(throws: HDF5Error.self) { try HDF5File.open(good).root.dataset("missing") }
    }

    @Test("Reading a file written by h5py (skipped without /usr/bin/python3 and h5py)")
    func h5pyFile() throws {
        let python = "/usr/bin/python3"
        let path = try temporaryPath("from-h5py.h5")
        let script = """
            import h5py, numpy as np
            with h5py.File('\(path)', 'w') as f:
                f.attrs['name'] = 'written by h5py'
                f.attrs['version'] = 3
                f.create_dataset('grid', data=np.arange(12, dtype='float32').reshape(3, 4))
                f.create_dataset('ints', data=np.array([1, -2, 3], dtype='int64'), compression='gzip', shuffle=True)
                f.create_dataset('labels', data=['a', 'bé'], dtype=h5py.string_dtype())
                f.create_dataset('fixed', data=np.array([b'xy', b'z'], dtype='S2'))
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = ["-c", script]
        p.standardError = FileHandle.nullDevice
        guard FileManager.default.isExecutableFile(atPath: python), (try? p.run()) != nil else {
            print("skipping: \(python) not found")
            return
        }
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            print("skipping: h5py is not installed for \(python)")
            return
        }
        let f = try HDF5File.open(path)
        #expect(try f.root.attribute("name") == .string("written by h5py"))
        #expect(try f.root.attribute("version") == .int(3))
        let grid = try f.root.dataset("grid")
        #expect(grid.shape == [3, 4])
        #expect(try grid.read(as: Float.self) == (0..<12).map(Float.init))
        #expect(try f.root.dataset("ints").read(as: Int64.self) == [1, -2, 3])
        #expect(try f.root.dataset("labels").readStrings() == ["a", "bé"])
        #expect(try f.root.dataset("fixed").readStrings() == ["xy", "z"])
    }
}
