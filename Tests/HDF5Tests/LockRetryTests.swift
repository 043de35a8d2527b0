import Foundation
import HDF5
import Testing

/// A descriptor of the file held by someone else for a moment, as a program
/// another thread starts holds a copy of ours between its fork and its exec.
@Suite("Opening a file another holder has locked for a moment")
struct LockRetryTests {
    func fileWithHolder() throws -> (path: String, fd: Int32) {
        let path = try temporaryPath("locked.h5")
        let f = try HDF5File.create(path)
        try f.root.write("x", [Float(1)], shape: [1])
        try f.close()
        let fd = Foundation.open(path, O_RDONLY)
        #expect(fd >= 0 && flock(fd, LOCK_SH) == 0)
        return (path, fd)
    }

    @Test("A lock released within the wait: the writable open succeeds")
    func released() throws {
        let (path, fd) = try fileWithHolder()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { close(fd) }
        let f = try HDF5File.open(path, writable: true, lockWait: 10)
        #expect(try f.root.dataset("x").read(as: Float.self) == [1])
        try f.close()
    }

    @Test("A lock held past the wait: HDF5's error, naming the file")
    func held() throws {
        let (path, fd) = try fileWithHolder()
        defer { close(fd) }
        let e = #expect(throws: HDF5Error.self) { try HDF5File.open(path, writable: true, lockWait: 0.2) }
        let refused = e?.messages.contains { $0.contains("unable to lock file") } == true
        #expect(e?.description.contains(path) == true && refused, "\(String(describing: e))")
    }
}
