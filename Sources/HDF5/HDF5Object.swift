import CHDF5
import Foundation

/// Anything that carries attributes: a file's root group, a group, a dataset.
/// Each object owns one HDF5 identifier and closes it when released.
public class HDF5Object {
    public let id: hid_t
    public let path: String
    private let closer: (hid_t) -> herr_t
    private var open = true

    init(id: hid_t, path: String, closer: @escaping (hid_t) -> herr_t) {
        self.id = id
        self.path = path
        self.closer = closer
    }

    /// Closes the identifier now (it is also closed when the object is released).
    public func close() {
        if open {
            _ = closer(id)
            open = false
        }
    }

    deinit { close() }
}

/// The value of an attribute: a number, a string, or a 1-D array of them.
public enum HDF5AttributeValue: Equatable, Sendable {
    case int(Int64)
    case double(Double)
    case string(String)
    case ints([Int64])
    case uint64(UInt64)
    case uint64s([UInt64])
    case doubles([Double])
    case strings([String])

    public var int: Int64? {
        if case .int(let v) = self { return v }
        if case .ints(let v) = self, v.count == 1 { return v[0] }
        return nil
    }
    public var double: Double? {
        switch self {
        case .double(let v): return v
        case .int(let v): return Double(v)
        case .doubles(let v) where v.count == 1: return v[0]
        default: return nil
        }
    }
    public var uint64: UInt64? {
        switch self {
        case .uint64(let v): return v
        case .uint64s(let v) where v.count == 1: return v[0]
        case .int(let v) where v >= 0: return UInt64(v)
        default: return nil
        }
    }
    public var string: String? {
        if case .string(let v) = self { return v }
        if case .strings(let v) = self, v.count == 1 { return v[0] }
        return nil
    }
}

extension HDF5Object {
    public func hasAttribute(_ name: String) -> Bool { ((try? check(H5Aexists(id, name), "")) ?? 0) > 0 }

    public func deleteAttribute(_ name: String) throws {
        try check(H5Adelete(id, name), "delete attribute '\(name)' of \(path)")
    }

    public func setAttribute(_ name: String, _ value: HDF5AttributeValue) throws {
        if hasAttribute(name) { try check(H5Adelete(id, name), "replace attribute '\(name)' of \(path)") }
        switch value {
        case .int(let v): try writeAttribute(name, [v], scalar: true)
        case .double(let v): try writeAttribute(name, [v], scalar: true)
        case .ints(let v): try writeAttribute(name, v, scalar: false)
        case .uint64(let v): try writeAttribute(name, [v], scalar: true)
        case .uint64s(let v): try writeAttribute(name, v, scalar: false)
        case .doubles(let v): try writeAttribute(name, v, scalar: false)
        case .string(let v): try writeStringAttribute(name, [v], scalar: true)
        case .strings(let v): try writeStringAttribute(name, v, scalar: false)
        }
    }

    private func space(count: Int, scalar: Bool) throws -> hid_t {
        if scalar { return try check(H5Screate(H5S_SCALAR), "create a scalar dataspace") }
        var dims = [hsize_t(count)]
        return try check(H5Screate_simple(1, &dims, nil), "create a dataspace")
    }

    private func writeAttribute<T: HDF5Scalar>(_ name: String, _ values: [T], scalar: Bool) throws {
        let s = try space(count: values.count, scalar: scalar)
        defer { H5Sclose(s) }
        let a = try check(
            H5Acreate2(id, name, T.fileType, s, amsga_H5P_DEFAULT(), amsga_H5P_DEFAULT()),
            "create attribute '\(name)' on \(path)")
        defer { H5Aclose(a) }
        _ = try values.withUnsafeBufferPointer { try check(H5Awrite(a, T.memoryType, $0.baseAddress), "write attribute '\(name)'") }
    }

    private func writeStringAttribute(_ name: String, _ values: [String], scalar: Bool) throws {
        let t = try StringType.make()
        defer { H5Tclose(t) }
        let s = try space(count: values.count, scalar: scalar)
        defer { H5Sclose(s) }
        let a = try check(
            H5Acreate2(id, name, t, s, amsga_H5P_DEFAULT(), amsga_H5P_DEFAULT()),
            "create attribute '\(name)' on \(path)")
        defer { H5Aclose(a) }
        _ = try withCStrings(values) { ptrs in try check(H5Awrite(a, t, ptrs), "write attribute '\(name)'") }
    }

    /// Reads an attribute, whatever number or string type it was written with.
    public func attribute(_ name: String) throws -> HDF5AttributeValue {
        let a = try check(H5Aopen(id, name, amsga_H5P_DEFAULT()), "open attribute '\(name)' of \(path)")
        defer { H5Aclose(a) }
        let s = try check(H5Aget_space(a), "attribute dataspace")
        defer { H5Sclose(s) }
        let scalar = H5Sget_simple_extent_type(s) == H5S_SCALAR
        let count = Int(try check(H5Sget_simple_extent_npoints(s), "attribute size"))
        let t = try check(H5Aget_type(a), "attribute type")
        defer { H5Tclose(t) }
        switch H5Tget_class(t) {
        case H5T_STRING:
            let strings = try readStringValues(count: count, type: t) { mt, buf in H5Aread(a, mt, buf) }
            return scalar ? .string(strings.first ?? "") : .strings(strings)
        case H5T_FLOAT:
            var v = [Double](repeating: 0, count: count)
            try check(H5Aread(a, Double.memoryType, &v), "read attribute '\(name)'")
            return scalar ? .double(v[0]) : .doubles(v)
        case H5T_INTEGER:
            if H5Tget_sign(t) == H5T_SGN_NONE && H5Tget_size(t) == 8 {
                var v = [UInt64](repeating: 0, count: count)
                try check(H5Aread(a, UInt64.memoryType, &v), "read attribute '\(name)'")
                return scalar ? .uint64(v[0]) : .uint64s(v)
            }
            var v = [Int64](repeating: 0, count: count)
            try check(H5Aread(a, Int64.memoryType, &v), "read attribute '\(name)'")
            return scalar ? .int(v[0]) : .ints(v)
        default:
            throw HDF5Error(operation: "read attribute '\(name)' of \(path)", messages: ["unsupported attribute type"])
        }
    }

    /// Attribute names, in name order.
    public func attributeNames() throws -> [String] {
        let collector = NameCollector()
        var idx: hsize_t = 0
        try check(
            H5Aiterate2(
                id, H5_INDEX_NAME, H5_ITER_INC, &idx, { _, name, _, data in collectName(name, data) },
                Unmanaged.passUnretained(collector).toOpaque()), "list the attributes of \(path)")
        return collector.names
    }
}

/// Calls `body` with a C array of NUL-terminated copies of `strings`.
func withCStrings<R>(_ strings: [String], _ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) throws -> R) rethrows -> R {
    var ptrs: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    defer { for p in ptrs { free(p) } }
    return try ptrs.withUnsafeMutableBufferPointer { try body($0.baseAddress!) }
}

/// Reads `count` strings, variable-length or fixed-length, through `read`.
func readStringValues(count: Int, type t: hid_t, read: (hid_t, UnsafeMutableRawPointer) -> herr_t) throws -> [String] {
    if H5Tis_variable_str(t) > 0 {
        let mt = try StringType.make()
        defer { H5Tclose(mt) }
        var ptrs = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
        _ = try ptrs.withUnsafeMutableBytes { try check(read(mt, $0.baseAddress!), "read strings") }
        defer {
            // The library allocated each string; release them with the C allocator.
            for p in ptrs { free(p) }
        }
        return ptrs.map { $0.map { String(cString: $0) } ?? "" }
    }
    let size = H5Tget_size(t)
    let mt = try check(H5Tcopy(amsga_H5T_C_S1()), "string type")
    defer { H5Tclose(mt) }
    H5Tset_size(mt, size + 1)
    H5Tset_strpad(mt, H5T_STR_NULLTERM)
    var buf = [CChar](repeating: 0, count: count * (size + 1))
    _ = try buf.withUnsafeMutableBytes { try check(read(mt, $0.baseAddress!), "read strings") }
    return (0..<count).map { i in
        buf.withUnsafeBufferPointer { String(cString: $0.baseAddress! + i * (size + 1)) }
    }
}

/// Collects names reported by an HDF5 iteration into a Swift array.
final class NameCollector { var names: [String] = [] }

@inline(__always)
func collectName(_ name: UnsafePointer<CChar>?, _ data: UnsafeMutableRawPointer?) -> herr_t {
    guard let name, let data else { return 0 }
    Unmanaged<NameCollector>.fromOpaque(data).takeUnretainedValue().names.append(String(cString: name))
    return 0
}
