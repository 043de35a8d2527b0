import Tensor

/// A fixed block of memory reused every epoch (the trainer never reallocates
/// while it trains).
final class Buffer<T: BLASScalar>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    let capacity: Int

    init(_ capacity: Int) {
        self.capacity = max(capacity, 1)
        pointer = .allocate(capacity: self.capacity)
        pointer.initialize(repeating: 0, count: self.capacity)
    }

    deinit { pointer.deallocate() }

    var buffer: UnsafeMutableBufferPointer<T> { UnsafeMutableBufferPointer(start: pointer, count: capacity) }
}
