import Datasets
import ForwardForward
import Foundation
import RunStore
import TestSupport
import Testing

/// Crash testing in SQLite's manner: an `LD_PRELOAD` shim counts every
/// `pwrite`, `write`, `ftruncate`, `fsync` and `rename` that touches the
/// test's folder and kills the process with SIGKILL just before the n-th, for
/// every n that one checkpoint's file makes; each crash is followed by a
/// resume that must end bit-identical to an uninterrupted run.
@Suite("Crash points: a kill at every write, rename and fsync of a checkpoint", .serialized)
struct CrashPointTests {
    static let shimSource = #"""
        #define _GNU_SOURCE
        #include <dlfcn.h>
        #include <fcntl.h>
        #include <signal.h>
        #include <stdatomic.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <sys/types.h>
        #include <unistd.h>

        static const char *dir; static long target = -1; static int logfd = -1; static atomic_long calls;
        __attribute__((constructor)) static void start(void) {
            dir = getenv("CRASH_DIR");
            if (getenv("CRASH_AT")) target = atol(getenv("CRASH_AT"));
            if (getenv("CRASH_LOG")) logfd = open(getenv("CRASH_LOG"), O_WRONLY | O_CREAT | O_APPEND, 0644);
        }
        static int inside(const char *path) { return dir && path && strncmp(path, dir, strlen(dir)) == 0; }
        static int tracked(int fd, char *path, size_t n) {
            char link[64]; snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
            ssize_t k = readlink(link, path, n - 1); path[k < 0 ? 0 : k] = 0;
            return fd > 2 && inside(path);
        }
        static void point(const char *kind, const char *path) {
            long n = atomic_fetch_add(&calls, 1) + 1;
            if (logfd >= 0) { char line[1200]; int k = snprintf(line, sizeof line, "%ld %s %s\n", n, kind, path); syscall(1, logfd, line, k); }
            if (n == target) kill(getpid(), SIGKILL);
        }
        #define REAL(fn) static __typeof__(fn) *real; if (!real) real = (__typeof__(fn) *)dlsym(RTLD_NEXT, #fn)
        ssize_t pwrite(int fd, const void *b, size_t n, off_t o) {
            REAL(pwrite); char p[1024];
            if (tracked(fd, p, sizeof p)) { point("pwrite", p); }
            return real(fd, b, n, o);
        }
        ssize_t pwrite64(int fd, const void *b, size_t n, off_t o) {
            REAL(pwrite64); char p[1024];
            if (tracked(fd, p, sizeof p)) { point("pwrite", p); }
            return real(fd, b, n, o);
        }
        ssize_t write(int fd, const void *b, size_t n) {
            REAL(write); char p[1024];
            if (tracked(fd, p, sizeof p)) { point("write", p); }
            return real(fd, b, n);
        }
        int ftruncate(int fd, off_t n) {
            REAL(ftruncate); char p[1024];
            if (tracked(fd, p, sizeof p)) { point("ftruncate", p); }
            return real(fd, n);
        }
        int ftruncate64(int fd, off_t n) {
            REAL(ftruncate64); char p[1024];
            if (tracked(fd, p, sizeof p)) { point("ftruncate", p); }
            return real(fd, n);
        }
        int fsync(int fd) {
            REAL(fsync); char p[1024];
            if (tracked(fd, p, sizeof p)) { point("fsync", p); }
            return real(fd);
        }
        int rename(const char *from, const char *to) {
            REAL(rename);
            if (inside(to)) { point("rename", to); }
            return real(from, to);
        }
        """#

    /// The shim, compiled into a temporary folder; nil where there is no C compiler.
    static func buildShim(in folder: String) throws -> String? {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/cc") else { return nil }
        let source = folder + "/crash.c"
        let library = folder + "/crash.so"
        try shimSource.write(toFile: source, atomically: true, encoding: .utf8)
        let cc = Process()
        cc.executableURL = URL(fileURLWithPath: "/usr/bin/cc")
        cc.arguments = ["-shared", "-fPIC", "-O1", "-Wall", "-Werror", "-o", library, source, "-ldl"]
        try cc.run()
        cc.waitUntilExit()
        try #require(cc.terminationStatus == 0, "the crash shim does not compile")
        return library
    }

    @Test("A kill before each write, rename and fsync of one checkpoint's file, then a resume: bit-identical to an uninterrupted run")
    func everyCrashPoint() throws {
        guard amsgaExecutable() != nil, (try? DataLocator().folder(for: .fashionMNIST)) != nil else {
            print("skipping: no amsga executable or no Fashion-MNIST")
            return
        }
        let root = try Scratch.folder("crash")
        defer { try? FileManager.default.removeItem(atPath: root) }
        guard let shim = try Self.buildShim(in: root) else {
            print("skipping: no C compiler for the shim")
            return
        }
        let train = [
            "train", "--preset", "amsga-fashion", "--train-size", "200", "--eval-size", "50", "--epochs", "12",
            "--eval-every", "4", "--checkpoint-every", "5", "--threads", "1",
        ]
        func folder(_ name: String) throws -> String {
            let f = root + "/" + name
            try FileManager.default.createDirectory(atPath: f, withIntermediateDirectories: true)
            return f
        }
        let whole = try folder("whole")
        try runToEnd(train + ["--out", whole + "/r.h5"])
        let expected = try RunFile.read(path: whole + "/r.h5")

        // Every call the shim sees in a whole run, in order: checkpoints at steps 5 and 10, the last at 12, the final write.
        let counted = try folder("counted")
        let log = root + "/calls.txt"
        let run = try runAmsga(
            train + ["--out", counted + "/r.h5"],
            environment: ["LD_PRELOAD": shim, "CRASH_DIR": counted, "CRASH_LOG": log])
        try #require(run.status == 0, "\(run.output)")
        let calls = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map {
            $0.split(separator: " ").map(String.init)
        }
        let renames = calls.indices.filter { calls[$0][1] == "rename" }
        try #require(renames.count == 4, "expected 4 run files written (steps 5, 10, 12 and the final), got \(renames.count): \(calls)")
        // The checkpoint at step 10: from the call after the first file's last one (its folder's fsync) to its own folder fsync.
        let first = renames[0] + 2
        let last = renames[1] + 1
        #expect(calls[renames[0] + 1][1] == "fsync" && calls[last][1] == "fsync")
        let points = Array(Int(calls[first][0])!...Int(calls[last][0])!)
        let kinds = Dictionary(grouping: points.map { calls[$0 - 1][1] }, by: { $0 }).mapValues(\.count)
        #expect(
            calls.count == 4 * points.count,
            "\(calls.count) calls for 4 files of \(points.count): an epoch between checkpoints writes nothing")
        print(
            "crash points in the step-10 checkpoint: \(points.count) (\(kinds.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")))"
        )

        for n in points {
            let trial = try folder("trial\(n)")
            let killed = try runAmsga(
                train + ["--out", trial + "/r.h5"],
                environment: ["LD_PRELOAD": shim, "CRASH_DIR": trial, "CRASH_AT": "\(n)"])
            #expect(killed.signalled, "crash point \(n) (\(calls[n - 1][1])): the run was not killed")
            let progress = RunFile.progress(path: trial + "/r.h5")
            #expect(progress?.lastCheckpoint == 5 || progress?.lastCheckpoint == 10, "crash point \(n): \(String(describing: progress))")
            let resumed = try runAmsga(["train", "--resume", trial + "/r.h5"])
            #expect(resumed.status == 0, "crash point \(n): \(resumed.output)")
            let r = try RunFile.read(path: trial + "/r.h5")
            #expect(
                r.checkpoint == expected.checkpoint && sameTrace(r.trace, expected.trace)
                    && r.finalPerSample == expected.finalPerSample && r.finalBatch == expected.finalBatch,
                "crash point \(n) (\(calls[n - 1][1])): the resumed run differs from the uninterrupted one")
            try? FileManager.default.removeItem(atPath: trial)
        }
    }

    @Test("Killed between two checkpoints, then resumed: the trace and the weights end bit-identical to an uninterrupted run")
    func killBetweenCheckpoints() throws {
        guard amsgaExecutable() != nil, let preset = availablePreset("amsga") else {
            print("skipping: no amsga executable or no dataset")
            return
        }
        let dir = try Scratch.folder("between")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let train = [
            "train", "--preset", preset, "--train-size", "300", "--eval-size", "100", "--epochs", "20",
            "--eval-every", "3", "--checkpoint-every", "5", "--threads", "1",
        ]
        try runToEnd(train + ["--out", dir + "/whole.h5"])
        let killed = try runAmsga(train + ["--out", dir + "/killed.h5"], environment: ["AMSGA_FAULT": "step:13"])
        try #require(killed.signalled, "the run was not killed after step 13")
        let partial = try RunFile.read(path: dir + "/killed.h5")
        #expect(partial.checkpoint?.stepsDone == 10 && partial.trace.count == 10 && partial.finalPerSample == nil)
        try runToEnd(["train", "--resume", dir + "/killed.h5"])
        let whole = try RunFile.read(path: dir + "/whole.h5")
        let resumed = try RunFile.read(path: dir + "/killed.h5")
        #expect(resumed.checkpoint == whole.checkpoint)
        #expect(resumed.trace.count == 20 && sameTrace(resumed.trace, whole.trace))
        #expect(resumed.finalPerSample == whole.finalPerSample && resumed.finalBatch == whole.finalBatch)
    }
}
