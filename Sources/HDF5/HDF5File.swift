import CHDF5
import Foundation

/// An open HDF5 file. Its root group carries attributes and children like any group.
public final class HDF5File {
    public let path: String
    public let id: hid_t
    public let root: HDF5Group
    private var open = true

    private init(path: String, id: hid_t) throws {
        self.path = path
        self.id = id
        root = HDF5Group(id: try check(H5Gopen2(id, "/", amsga_H5P_DEFAULT()), "open / of \(path)"), path: "/")
    }

    /// File access: `close()` really closes. With HDF5's default ("weak")
    /// degree a file stays open, unflushed and locked, until the last of its
    /// objects is released; a state file renamed into place right after its
    /// `close()` then failed to open for reading now and then ("unable to lock
    /// file") and could have been read unflushed. Strong closes every object of
    /// the file with it (a wrapper that outlives it fails quietly).
    static func accessProperties() throws -> hid_t {
        let fapl = try check(H5Pcreate(amsga_H5P_FILE_ACCESS()), "file access property list")
        _ = try check(H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG), "strong close degree")
        return fapl
    }

    /// Creates (or truncates) a file. `inMemory` builds the whole file in
    /// memory (HDF5's core driver) and writes it at `close()` in one `pwrite`
    /// instead of HDF5's scores of small ones: for a file written once and then
    /// renamed into place, where a crash point per metadata block buys nothing.
    /// Its value is the size to reserve, in bytes (the image grows by as much
    /// again when it is passed, and each growth copies it). The file is created
    /// on disk at once, so a path that cannot be written fails here.
    public static func create(_ path: String, inMemory reserve: Int? = nil) throws -> HDF5File {
        HDF5Library.silence()
        let fapl = try accessProperties()
        defer { H5Pclose(fapl) }
        if let reserve {
            _ = try check(H5Pset_fapl_core(fapl, max(reserve, 1 << 20), true), "in-memory file driver for \(path)")
            // Without it each flush writes the whole image again (three times a file).
            _ = try check(H5Pset_core_write_tracking(fapl, true, 4096), "write tracking for \(path)")
            // No lock: the file is this process's alone until it is renamed into
            // place, and a lock taken now stays on the file after the rename.
            _ = try check(H5Pset_file_locking(fapl, false, true), "file locking for \(path)")
        }
        let id = try check(H5Fcreate(path, amsga_H5F_ACC_TRUNC(), amsga_H5P_DEFAULT(), fapl), "create \(path)")
        return try HDF5File(path: path, id: id)
    }

    /// Opens an existing file, read-only unless `writable`. A lock refusal
    /// is retried for up to `lockWait` seconds (see `openRetryingLock`).
    public static func open(_ path: String, writable: Bool = false, lockWait: TimeInterval = 5) throws -> HDF5File {
        HDF5Library.silence()
        guard FileManager.default.fileExists(atPath: path) else {
            throw HDF5Error(operation: "open \(path)", messages: ["no such file"])
        }
        guard H5Fis_hdf5(path) > 0 else {
            H5Eclear2(amsga_H5E_DEFAULT())
            throw HDF5Error(operation: "open \(path)", messages: ["not an HDF5 file (or its superblock is damaged)"])
        }
        let fapl = try accessProperties()
        defer { H5Pclose(fapl) }
        let id = try openRetryingLock(path, lockWait: lockWait) {
            try check(H5Fopen(path, writable ? amsga_H5F_ACC_RDWR() : amsga_H5F_ACC_RDONLY(), fapl), "open \(path)")
        }
        return try HDF5File(path: path, id: id)
    }

    /// HDF5 locks a file with flock(), which belongs to the open file
    /// description. A program that another thread of this process starts
    /// holds a copy of every descriptor from its fork until its exec, so for
    /// those moments (long ones on a loaded machine) a file this process has
    /// just closed still reads as locked, and opening it again failed now and
    /// then ("unable to lock file, errno = 11"). A refusal is retried, at
    /// growing intervals, for up to `lockWait` seconds; a file another process
    /// really holds still fails, after that wait, with HDF5's message.
    static func openRetryingLock(_ path: String, lockWait: TimeInterval, _ attempt: () throws -> hid_t) throws -> hid_t {
        let deadline = Date().addingTimeInterval(lockWait)
        var pause: useconds_t = 1_000
        while true {
            do { return try attempt() } catch let e as HDF5Error where e.messages.contains(where: { $0.contains("unable to lock file") }) {
                guard Date() < deadline else { throw e }
                usleep(pause)
                pause = min(pause * 2, 200_000)
            }
        }
    }

    /// Identifiers still open in this file, the file itself included.
    public var openObjectCount: Int { Int(H5Fget_obj_count(id, amsga_H5F_OBJ_ALL() | amsga_H5F_OBJ_LOCAL())) }

    /// Flushes and closes; further use of its objects fails.
    public func close() throws {
        guard open else { return }
        root.close()
        open = false
        try check(H5Fclose(id), "close \(path)")
    }

    deinit { try? close() }
}
