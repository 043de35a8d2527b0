import CHDF5

/// A group: children by name, datasets, attributes.
public final class HDF5Group: HDF5Object {
    init(id: hid_t, path: String) {
        super.init(id: id, path: path, closer: H5Gclose)
    }

    func childPath(_ name: String) -> String { path == "/" ? "/" + name : path + "/" + name }

    /// Whether a link `name` exists (a path with slashes is checked step by step).
    public func contains(_ name: String) -> Bool {
        HDF5Library.silence()
        var prefix = ""
        for part in name.split(separator: "/") {
            prefix += prefix.isEmpty ? String(part) : "/" + part
            if H5Lexists(id, prefix, amsga_H5P_DEFAULT()) <= 0 {
                H5Eclear2(amsga_H5E_DEFAULT())
                return false
            }
        }
        return true
    }

    /// Creates a group; intermediate groups of a path are created too.
    public func createGroup(_ name: String) throws -> HDF5Group {
        let lcpl = try check(H5Pcreate(amsga_H5P_LINK_CREATE()), "link property list")
        defer { H5Pclose(lcpl) }
        H5Pset_create_intermediate_group(lcpl, 1)
        let g = try check(
            H5Gcreate2(id, name, lcpl, amsga_H5P_DEFAULT(), amsga_H5P_DEFAULT()),
            "create group \(childPath(name))")
        return HDF5Group(id: g, path: childPath(name))
    }

    public func group(_ name: String) throws -> HDF5Group {
        HDF5Group(
            id: try check(H5Gopen2(id, name, amsga_H5P_DEFAULT()), "open group \(childPath(name))"),
            path: childPath(name))
    }

    /// The group `name`, created if missing.
    public func groupCreatingIfNeeded(_ name: String) throws -> HDF5Group {
        contains(name) ? try group(name) : try createGroup(name)
    }

    /// Names of the direct children, in name order.
    public func children() throws -> [String] {
        let collector = NameCollector()
        var idx: hsize_t = 0
        try check(
            H5Literate(
                id, H5_INDEX_NAME, H5_ITER_INC, &idx, { _, name, _, data in collectName(name, data) },
                Unmanaged.passUnretained(collector).toOpaque()), "list the members of \(path)")
        return collector.names
    }

    /// Whether child `name` is a group (false for datasets and missing names).
    public func isGroup(_ name: String) -> Bool {
        guard contains(name) else { return false }
        HDF5Library.silence()
        let o = H5Oopen(id, name, amsga_H5P_DEFAULT())
        guard o >= 0 else {
            H5Eclear2(amsga_H5E_DEFAULT())
            return false
        }
        defer { H5Oclose(o) }
        return H5Iget_type(o) == H5I_GROUP
    }

    public func dataset(_ name: String) throws -> HDF5Dataset {
        HDF5Dataset(
            id: try check(H5Dopen2(id, name, amsga_H5P_DEFAULT()), "open dataset \(childPath(name))"),
            path: childPath(name))
    }

    public func delete(_ name: String) throws {
        try check(H5Ldelete(id, name, amsga_H5P_DEFAULT()), "delete \(childPath(name))")
    }
}
