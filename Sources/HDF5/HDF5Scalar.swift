import CHDF5

/// A number type stored as an HDF5 dataset or attribute. `memoryType` is the
/// native type used for transfer; `fileType` the little-endian standard type on disk.
public protocol HDF5Scalar: Sendable {
    static var memoryType: hid_t { get }
    static var fileType: hid_t { get }
    static var zero: Self { get }
}

extension Float: HDF5Scalar {
    public static var memoryType: hid_t { amsga_H5T_NATIVE_FLOAT() }
    public static var fileType: hid_t { amsga_H5T_IEEE_F32LE() }
    public static var zero: Float { 0 }
}
extension Double: HDF5Scalar {
    public static var memoryType: hid_t { amsga_H5T_NATIVE_DOUBLE() }
    public static var fileType: hid_t { amsga_H5T_IEEE_F64LE() }
    public static var zero: Double { 0 }
}
extension Int32: HDF5Scalar {
    public static var memoryType: hid_t { amsga_H5T_NATIVE_INT32() }
    public static var fileType: hid_t { amsga_H5T_STD_I32LE() }
    public static var zero: Int32 { 0 }
}
extension Int64: HDF5Scalar {
    public static var memoryType: hid_t { amsga_H5T_NATIVE_INT64() }
    public static var fileType: hid_t { amsga_H5T_STD_I64LE() }
    public static var zero: Int64 { 0 }
}
extension UInt8: HDF5Scalar {
    public static var memoryType: hid_t { amsga_H5T_NATIVE_UINT8() }
    public static var fileType: hid_t { amsga_H5T_STD_U8LE() }
    public static var zero: UInt8 { 0 }
}
extension UInt64: HDF5Scalar {
    public static var memoryType: hid_t { amsga_H5T_NATIVE_UINT64() }
    public static var fileType: hid_t { amsga_H5T_STD_U64LE() }
    public static var zero: UInt64 { 0 }
}

/// Variable-length UTF-8 strings, the type h5py writes for `str`.
enum StringType {
    static func make() throws -> hid_t {
        let t = try check(H5Tcopy(amsga_H5T_C_S1()), "copy the string type")
        try check(H5Tset_size(t, amsga_H5T_VARIABLE()), "make a variable-length string type")
        try check(H5Tset_cset(t, H5T_CSET_UTF8), "set UTF-8")
        return t
    }
}
