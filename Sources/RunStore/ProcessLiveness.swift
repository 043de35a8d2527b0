import Foundation

/// Whether process `pid` has ended, as the files named after it (a staged run
/// file, a cache entry being written, a lock's holder) need to know before
/// they are cleared. Only "no such process" counts: a live process of another
/// user answers EPERM, and its files are kept.
public func processHasEnded(_ pid: pid_t) -> Bool {
    pid > 0 && kill(pid, 0) != 0 && errno == ESRCH
}
