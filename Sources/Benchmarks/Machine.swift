import Foundation
import Tensor

/// The machine a measurement ran on, and the clocks and memory gauges used.
public enum Machine {
    /// CPU model, cores, the OpenBLAS kernel chosen at run time and its threads.
    public static func description() -> String {
        let cpu =
            (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
        let env = ProcessInfo.processInfo.environment
        return "\(cpu), \(ProcessInfo.processInfo.activeProcessorCount) cores; OpenBLAS core \(BLASInfo.coreName), "
            + "\(BLASInfo.threads) threads; OPENBLAS_CORETYPE=\(env["OPENBLAS_CORETYPE"] ?? "unset")"
    }

    public static func seconds(_ body: () -> Void) -> Double {
        let t0 = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
    }

    /// Best of `repeats` timings.
    public static func best(_ repeats: Int, _ body: () -> Void) -> Double {
        (0..<repeats).map { _ in seconds(body) }.min()!
    }

    /// CPU time and page faults of this process so far (all threads; getrusage).
    public struct Usage: Sendable {
        public var userSeconds = 0.0, systemSeconds = 0.0
        public var minorFaults = 0, majorFaults = 0

        public static func - (a: Usage, b: Usage) -> Usage {
            Usage(
                userSeconds: a.userSeconds - b.userSeconds, systemSeconds: a.systemSeconds - b.systemSeconds,
                minorFaults: a.minorFaults - b.minorFaults, majorFaults: a.majorFaults - b.majorFaults)
        }
        public static func + (a: Usage, b: Usage) -> Usage {
            Usage(
                userSeconds: a.userSeconds + b.userSeconds, systemSeconds: a.systemSeconds + b.systemSeconds,
                minorFaults: a.minorFaults + b.minorFaults, majorFaults: a.majorFaults + b.majorFaults)
        }
    }

    public static func usage() -> Usage {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return Usage(
            userSeconds: seconds(u.ru_utime), systemSeconds: seconds(u.ru_stime),
            minorFaults: Int(u.ru_minflt), majorFaults: Int(u.ru_majflt))
    }

    /// Peak resident memory of this process so far, in MiB (getrusage).
    public static func peakResidentMiB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024  // KiB on Linux
    }

    /// Resident memory now and its peak since the last `resetPeak`, in MiB
    /// (VmRSS and VmHWM of /proc/self/status); nil off Linux.
    public static func residentMiB() -> (current: Double, peak: Double)? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        func field(_ name: String) -> Double? {
            status.split(separator: "\n").first { $0.hasPrefix(name + ":") }
                .flatMap { Double($0.split(separator: " ").dropFirst().first { !$0.isEmpty } ?? "") }
                .map { $0 / 1024 }
        }
        guard let rss = field("VmRSS"), let hwm = field("VmHWM") else { return nil }
        return (rss, hwm)
    }

    /// Starts a new peak from the current resident size (Linux ≥ 4.0: "5" to clear_refs).
    @discardableResult
    public static func resetPeak() -> Bool {
        (try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)) != nil
    }
}
