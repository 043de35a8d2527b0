import CHDF5

/// An HDF5 failure, with HDF5's own messages (innermost first) and what we were doing.
public struct HDF5Error: Error, CustomStringConvertible {
    public let operation: String
    public let messages: [String]
    public init(operation: String, messages: [String]) {
        self.operation = operation
        self.messages = messages
    }
    public var description: String {
        messages.isEmpty ? "HDF5: \(operation) failed" : "HDF5: \(operation) failed: \(messages.joined(separator: "; "))"
    }
}

/// The library's global set-up: HDF5 prints its error stack to stderr by
/// default; we switch that off once and turn the stack into Swift errors.
public enum HDF5Library {
    static let initialised: Bool = {
        H5open()
        return true
    }()

    /// Thread-safe HDF5 builds (Debian's) keep the error-printing setting per
    /// thread, so it is switched off on whichever thread is about to call.
    @inline(__always)
    static func silence() {
        _ = initialised
        H5Eset_auto2(amsga_H5E_DEFAULT(), nil, nil)
    }

    public static var versionString: String { String(cString: amsga_hdf5_version()) }

    /// Keeps HDF5 from closing what is still open when the process exits. A
    /// file whose write failed (a full disk) stays half-open in HDF5, and its
    /// exit-time cleanup then crashes (HDF5 1.10.8) after the error has been
    /// reported. amsga closes every file it writes on every path, so nothing is
    /// left for that cleanup to do. Call before any other HDF5 use.
    public static func skipExitCleanup() { H5dont_atexit() }

    /// The current error stack's descriptions, then cleared.
    static func errorStack() -> [String] {
        final class Box { var messages: [String] = [] }
        let box = Box()
        let unmanaged = Unmanaged.passUnretained(box)
        H5Ewalk2(
            amsga_H5E_DEFAULT(), H5E_WALK_UPWARD,
            { _, err, data in
                guard let err, let data else { return 0 }
                let box = Unmanaged<Box>.fromOpaque(data).takeUnretainedValue()
                if let desc = err.pointee.desc {
                    let text = String(cString: desc)
                    if !text.isEmpty && !box.messages.contains(text) { box.messages.append(text) }
                }
                return 0
            }, unmanaged.toOpaque())
        H5Eclear2(amsga_H5E_DEFAULT())
        return box.messages
    }
}

/// Checks an HDF5 return value (negative is failure).
@discardableResult
func check<I: BinaryInteger>(_ call: @autoclosure () -> I, _ operation: @autoclosure () -> String) throws -> I {
    HDF5Library.silence()
    let value = call()
    if value < 0 { throw HDF5Error(operation: operation(), messages: HDF5Library.errorStack()) }
    return value
}
