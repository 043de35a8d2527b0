import CMalloc

/// Training allocates the same large buffers step after step (a CNN step's
/// patch matrices are 60 MB). glibc serves blocks that large by mmap and
/// returns them to the kernel on free, so every step page-faults and zeroes
/// them afresh: a third of a CNN step went to the kernel. Keeping such blocks
/// in the heap lets the next step reuse them.
public enum HeapReuse {
    /// Process-wide; call once at start-up (the `amsga` command does).
    public static func enable() {
        // Blocks up to 1 GiB come from the heap, and up to 1 GiB of free heap
        // top is kept rather than trimmed (values fixed, so glibc's dynamic
        // threshold does not move them).
        _ = mallopt(M_MMAP_THRESHOLD, 1 << 30)
        _ = mallopt(M_TRIM_THRESHOLD, 1 << 30)
    }

    /// Returns the heap's free memory to the kernel now (a memory measurement
    /// takes its baseline after this, so that what loading freed is not counted).
    public static func releaseFree() {
        _ = malloc_trim(0)
    }
}
