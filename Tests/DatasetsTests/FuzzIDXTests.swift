import Datasets
import Foundation
import Tensor
import TestSupport
import Testing

/// Mutations of a valid input: truncations, byte flips, header fields set to
/// extremes. Seeded, so that a failing case can be replayed by its number.
struct Mutator {
    var rng: Xoshiro256StarStar

    init(seed: UInt64) { rng = Xoshiro256StarStar(seed: seed, stream: "fuzz") }

    mutating func below(_ n: Int) -> Int { Int(rng.next() % UInt64(max(n, 1))) }

    /// Case k of a cycle of kinds: truncate, flip bytes, or (with `header`) write extreme values into the first bytes.
    mutating func mutate(_ data: Data, case k: Int, header: Int = 0) -> (Data, String) {
        var d = data
        switch k % 3 {
        case 0:
            let at = below(d.count)
            return (d.prefix(at), "truncated at \(at)")
        case 1:
            let flips = 1 + below(4)
            var at: [Int] = []
            for _ in 0..<flips {
                let i = below(d.count)
                d[i] ^= UInt8(1 + below(255))
                at.append(i)
            }
            return (d, "bytes flipped at \(at)")
        default:
            guard header > 0 else { return mutate(data, case: k + 1) }
            // One header byte, or a whole 4-byte field, set to an extreme.
            let i = below(header)
            let value = [0x00, 0xFF, 0x7F, 0x80, 0x01][below(5)] as UInt8
            let width = below(2) == 0 ? 1 : min(4, header - i)
            for j in i..<i + width { d[j] = value }
            return (d, "header bytes \(i)..<\(i + width) set to \(value)")
        }
    }
}

/// How many cases the fuzz suites try per input kind: a fast subset in CI,
/// more on demand (`AMSGA_FUZZ_CASES=2000 swift test --filter Fuzz`).
let fuzzCases = Int(ProcessInfo.processInfo.environment["AMSGA_FUZZ_CASES"] ?? "") ?? 60

@Suite("Fuzz: IDX files, plain and gzip")
struct FuzzIDXTests {
    @Test("Every mutated IDX file reads correctly or fails with an error naming it", arguments: [false, true])
    func mutatedIDX(gzip: Bool) throws {
        let dir = try Scratch.folder("fuzz-idx")
        let valid = IDXArray(shape: [6, 4, 4], bytes: (0..<96).map { UInt8($0 * 7 % 256) }).encoded()
        let base = gzip ? Gzip.deflate(valid) : valid
        var m = Mutator(seed: gzip ? 2 : 1)
        var rejected = 0
        var accepted = 0
        for k in 0..<fuzzCases {
            let (data, what) = m.mutate(base, case: k, header: gzip ? 0 : 16)
            let path = dir + "/case-\(k)" + (gzip ? ".gz" : "")
            try data.write(to: URL(fileURLWithPath: path))
            do {
                let a = try IDXArray.read(path: path)
                accepted += 1
                #expect(a.shape.reduce(1, *) == a.bytes.count, "case \(k) (\(what))")
            } catch {
                rejected += 1
                #expect("\(error)".contains(path), "case \(k) (\(what)): the error does not name the file: \(error)")
            }
        }
        print(
            "fuzz IDX \(gzip ? "gzip" : "plain"): \(fuzzCases) cases, \(rejected) rejected with an error naming the file, \(accepted) read, 0 crashes"
        )
        #expect(rejected > 0)
    }
}

@Suite("IDX regressions found by fuzzing")
struct IDXFuzzRegressions {
    @Test("Dimensions whose product overflows are an error naming the file, not a crash")
    func overflowingShape() {
        var header = Data([0, 0, 0x08, 3])
        for _ in 0..<3 { header.append(contentsOf: [0xFF, 0xFF, 0xFF, 0xFF]) }
        let e = #expect(throws: DatasetError.self) { try IDXArray.decode(header + Data(count: 16), path: "big.idx") }
        #expect(e?.description.contains("big.idx") == true && e?.description.contains("dimensions whose product fits") == true)
    }
}
