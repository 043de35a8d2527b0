import CHDF5

/// How a dataset is laid out on disk.
public struct HDF5Storage: Sendable {
    /// Chunk shape; nil for contiguous storage (then nothing can be appended).
    public var chunk: [Int]?
    /// gzip level 1–9 with the shuffle filter before it; nil for none.
    public var gzipLevel: Int?
    /// Whether dimension 0 may grow (`append`).
    public var extendible: Bool

    public init(chunk: [Int]? = nil, gzipLevel: Int? = nil, extendible: Bool = false) {
        self.chunk = chunk
        self.gzipLevel = gzipLevel
        self.extendible = extendible
    }

    public static let contiguous = HDF5Storage()
    /// Large tensors: chunks of about 1 MiB, shuffle + gzip 1 (float weights gain
    /// little from higher levels, which take several times longer).
    public static func compressed(shape: [Int], elementSize: Int) -> HDF5Storage {
        HDF5Storage(chunk: chunkShape(shape, elementSize: elementSize, target: 1 << 20), gzipLevel: 1)
    }
    /// Compressed (`compressed`) from 64 KiB on; small datasets stay contiguous,
    /// where chunking and filters would cost more than they save.
    public static func automatic(shape: [Int], elementSize: Int) -> HDF5Storage {
        shape.reduce(elementSize, *) >= 64 << 10 ? compressed(shape: shape, elementSize: elementSize) : .contiguous
    }
    /// A 1-D series that grows by appending (per-epoch traces).
    public static let series = HDF5Storage(chunk: [1024], extendible: true)

    /// Rows of whole trailing dimensions, up to `target` bytes a chunk.
    static func chunkShape(_ shape: [Int], elementSize: Int, target: Int) -> [Int] {
        guard let first = shape.first, first > 0 else { return shape.map { max($0, 1) } }
        let rowBytes = max(shape.dropFirst().reduce(1, *) * elementSize, 1)
        return [max(1, min(first, target / rowBytes))] + shape.dropFirst().map { max($0, 1) }
    }
}

extension HDF5Group {
    /// Writes a numeric dataset of any rank (`shape` defaults to 1-D).
    @discardableResult
    public func write<T: HDF5Scalar>(
        _ name: String, _ values: [T], shape: [Int]? = nil,
        storage: HDF5Storage = .contiguous
    ) throws -> HDF5Dataset {
        let shape = shape ?? [values.count]
        guard shape.reduce(1, *) == values.count else {
            throw HDF5Error(operation: "write \(childPath(name))", messages: ["shape \(shape) does not hold \(values.count) values"])
        }
        let d = try create(name, type: T.fileType, shape: shape, storage: storage)
        if !values.isEmpty {
            _ = try values.withUnsafeBufferPointer {
                try check(
                    H5Dwrite(d.id, T.memoryType, amsga_H5S_ALL(), amsga_H5S_ALL(), amsga_H5P_DEFAULT(), $0.baseAddress),
                    "write \(d.path)")
            }
        }
        return d
    }

    /// Writes UTF-8 strings as a dataset of any rank.
    @discardableResult
    public func write(_ name: String, strings: [String], shape: [Int]? = nil) throws -> HDF5Dataset {
        let t = try StringType.make()
        defer { H5Tclose(t) }
        let d = try create(name, type: t, shape: shape ?? [strings.count], storage: .contiguous)
        if !strings.isEmpty {
            _ = try withCStrings(strings) {
                try check(H5Dwrite(d.id, t, amsga_H5S_ALL(), amsga_H5S_ALL(), amsga_H5P_DEFAULT(), $0), "write \(d.path)")
            }
        }
        return d
    }

    /// An empty 1-D dataset that grows with `append`.
    public func createSeries<T: HDF5Scalar>(_ name: String, of: T.Type, chunk: Int = 1024) throws -> HDF5Dataset {
        try create(name, type: T.fileType, shape: [0], storage: HDF5Storage(chunk: [chunk], extendible: true))
    }

    func create(_ name: String, type: hid_t, shape: [Int], storage: HDF5Storage) throws -> HDF5Dataset {
        var dims = shape.map { hsize_t($0) }
        var maxDims = dims
        if storage.extendible { maxDims[0] = amsga_H5S_UNLIMITED() }
        let space = try check(H5Screate_simple(Int32(dims.count), &dims, &maxDims), "dataspace for \(childPath(name))")
        defer { H5Sclose(space) }
        let dcpl = try check(H5Pcreate(amsga_H5P_DATASET_CREATE()), "dataset property list")
        defer { H5Pclose(dcpl) }
        if var chunk = storage.chunk?.map({ hsize_t(max($0, 1)) }) {
            try check(H5Pset_chunk(dcpl, Int32(chunk.count), &chunk), "chunk \(childPath(name))")
            if let level = storage.gzipLevel {
                try check(H5Pset_shuffle(dcpl), "shuffle filter")
                try check(H5Pset_deflate(dcpl, UInt32(level)), "gzip filter")
            }
        }
        let lcpl = try check(H5Pcreate(amsga_H5P_LINK_CREATE()), "link property list")
        defer { H5Pclose(lcpl) }
        H5Pset_create_intermediate_group(lcpl, 1)
        let id = try check(
            H5Dcreate2(self.id, name, type, space, lcpl, dcpl, amsga_H5P_DEFAULT()),
            "create dataset \(childPath(name))")
        return HDF5Dataset(id: id, path: childPath(name))
    }
}

/// A dataset: its shape, its values, appending, dimension scales.
public final class HDF5Dataset: HDF5Object {
    init(id: hid_t, path: String) {
        super.init(id: id, path: path, closer: H5Dclose)
    }

    public var shape: [Int] {
        let s = H5Dget_space(id)
        defer { H5Sclose(s) }
        let rank = Int(H5Sget_simple_extent_ndims(s))
        var dims = [hsize_t](repeating: 0, count: max(rank, 0))
        H5Sget_simple_extent_dims(s, &dims, nil)
        return dims.map { Int($0) }
    }

    public var count: Int { shape.reduce(1, *) }

    /// All values, converted by HDF5 to `T` (a float dataset reads as Double, and so on).
    public func read<T: HDF5Scalar>(as: T.Type = T.self) throws -> [T] {
        var values = [T](repeating: T.zero, count: count)
        if values.isEmpty { return values }
        _ = try values.withUnsafeMutableBufferPointer {
            try check(
                H5Dread(id, T.memoryType, amsga_H5S_ALL(), amsga_H5S_ALL(), amsga_H5P_DEFAULT(), $0.baseAddress),
                "read \(path)")
        }
        return values
    }

    public func readStrings() throws -> [String] {
        let t = try check(H5Dget_type(id), "type of \(path)")
        defer { H5Tclose(t) }
        guard H5Tget_class(t) == H5T_STRING else {
            throw HDF5Error(operation: "read \(path) as strings", messages: ["not a string dataset"])
        }
        return try readStringValues(count: count, type: t) { mt, buf in
            H5Dread(id, mt, amsga_H5S_ALL(), amsga_H5S_ALL(), amsga_H5P_DEFAULT(), buf)
        }
    }

    /// Appends values along dimension 0 of an extendible 1-D dataset.
    public func append<T: HDF5Scalar>(_ values: [T]) throws {
        guard !values.isEmpty else { return }
        let old = shape
        guard old.count == 1 else {
            throw HDF5Error(operation: "append to \(path)", messages: ["only 1-D datasets are appended to"])
        }
        var newSize = [hsize_t(old[0] + values.count)]
        try check(H5Dset_extent(id, &newSize), "extend \(path) (is it extendible?)")
        let file = try check(H5Dget_space(id), "dataspace of \(path)")
        defer { H5Sclose(file) }
        var start = [hsize_t(old[0])]
        var count = [hsize_t(values.count)]
        try check(H5Sselect_hyperslab(file, H5S_SELECT_SET, &start, nil, &count, nil), "select the new rows of \(path)")
        let memory = try check(H5Screate_simple(1, &count, nil), "memory dataspace")
        defer { H5Sclose(memory) }
        _ = try values.withUnsafeBufferPointer {
            try check(H5Dwrite(id, T.memoryType, memory, file, amsga_H5P_DEFAULT(), $0.baseAddress), "append to \(path)")
        }
    }

    /// Marks this dataset as a dimension scale named `name` (h5py's `make_scale`).
    public func makeScale(_ name: String) throws {
        try check(H5DSset_scale(id, name), "make \(path) a dimension scale")
    }

    /// Attaches `scale` to dimension `dimension` of this dataset.
    public func attachScale(_ scale: HDF5Dataset, dimension: Int) throws {
        try check(H5DSattach_scale(id, scale.id, UInt32(dimension)), "attach \(scale.path) to \(path)")
    }

    /// Names of the scales attached to `dimension`.
    public func scaleNames(dimension: Int) throws -> [String] {
        final class Box { var names: [String] = [] }
        let box = Box()
        var idx: Int32 = 0
        try check(
            H5DSiterate_scales(
                id, UInt32(dimension), &idx,
                { _, _, scale, data in
                    guard let data else { return 0 }
                    let n = H5Iget_name(scale, nil, 0)
                    var buf = [CChar](repeating: 0, count: n + 1)
                    H5Iget_name(scale, &buf, buf.count)
                    let name = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                    Unmanaged<Box>.fromOpaque(data).takeUnretainedValue().names.append(name)
                    return 0
                }, Unmanaged.passUnretained(box).toOpaque()), "scales of \(path)")
        return box.names
    }
}
