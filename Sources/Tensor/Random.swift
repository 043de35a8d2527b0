import Foundation

/// The project's one random generator: **xoshiro256\*\*** (Blackman & Vigna, 2018),
/// its state filled from the seed by **SplitMix64**. Pure integer arithmetic, so
/// the same seed gives the same numbers on every machine.
///
/// Derived draws, all defined here so that they are stable across releases:
/// - `bounded(n)`: Lemire's multiply-shift method with rejection (unbiased);
/// - `permutation(n)`: Fisher–Yates from the last index down, using `bounded`;
/// - `uniformFloat()`: the top 24 bits × 2⁻²⁴, in [0, 1); `uniformDouble()`: top 53 bits × 2⁻⁵³;
/// - `normal()`: Box–Muller on two uniform doubles (u₁ mapped into (0, 1]), both
///   outputs used in turn by `fillNormal`.
///
/// Independent streams for separate purposes come from `init(seed:stream:)`,
/// which mixes a stream name into the seed, so that adding a new use of
/// randomness never shifts the numbers of an existing one.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable, Equatable {
    public private(set) var state: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var sm = seed
        func splitMix() -> UInt64 {
            sm &+= 0x9E37_79B9_7F4A_7C15
            var z = sm
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    /// A generator for one purpose ("split", "init", "negatives", …) of a run with this seed.
    public init(seed: UInt64, stream: String) {
        // FNV-1a of the name's UTF-8 bytes, mixed with the seed.
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in stream.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        self.init(seed: seed ^ h)
    }

    /// Restores a saved state (a checkpoint's); it must not be all zeros.
    public init(state words: [UInt64]) throws {
        guard words.count == 4, words.contains(where: { $0 != 0 }) else {
            throw RandomStateError(words: words)
        }
        state = (words[0], words[1], words[2], words[3])
    }

    public var stateWords: [UInt64] { [state.0, state.1, state.2, state.3] }

    public static func == (a: Self, b: Self) -> Bool { a.stateWords == b.stateWords }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    public mutating func next() -> UInt64 {
        let result = Self.rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = Self.rotl(state.3, 45)
        return result
    }

    /// Uniform in 0 ..< n (n > 0), without modulo bias.
    public mutating func bounded(_ n: UInt64) -> UInt64 {
        precondition(n > 0, "bounded(0)")
        var m = next().multipliedFullWidth(by: n)
        if m.low < n {
            let threshold = (0 &- n) % n
            while m.low < threshold { m = next().multipliedFullWidth(by: n) }
        }
        return m.high
    }

    /// A uniformly random permutation of 0 ..< n.
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        var i = n - 1
        while i > 0 {
            let j = Int(bounded(UInt64(i + 1)))
            p.swapAt(i, j)
            i -= 1
        }
        return p
    }

    public mutating func uniformFloat() -> Float { Float(next() >> 40) * 0x1p-24 }
    public mutating func uniformDouble() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// One pair of independent standard normal draws.
    public mutating func normalPair() -> (Double, Double) {
        let u1 = 1 - uniformDouble()  // (0, 1]: log is finite
        let u2 = uniformDouble()
        let r = (-2 * log(u1)).squareRoot()
        let a = 2 * Double.pi * u2
        return (r * cos(a), r * sin(a))
    }

    public mutating func fillUniform<T: BLASScalar>(_ buffer: UnsafeMutableBufferPointer<T>, low: T, high: T) {
        for i in buffer.indices { buffer[i] = low + (high - low) * T(uniformDouble()) }
    }

    public mutating func fillNormal<T: BLASScalar>(_ buffer: UnsafeMutableBufferPointer<T>, mean: T, std: T) {
        var i = 0
        while i < buffer.count {
            let (a, b) = normalPair()
            buffer[i] = mean + std * T(a)
            if i + 1 < buffer.count { buffer[i + 1] = mean + std * T(b) }
            i += 2
        }
    }
}

public struct RandomStateError: Error, CustomStringConvertible {
    public let words: [UInt64]
    public var description: String {
        "invalid xoshiro256** state \(words): it needs 4 words, not all zero"
    }
}
