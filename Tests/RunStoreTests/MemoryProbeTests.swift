import Benchmarks
import Datasets
import Foundation
import Testing

@Suite("Memory probes run in a fresh process and come back typed")
struct MemoryProbeTests {
    @Test("A probe's arguments go through amsga bench memory and its JSON result decodes")
    func freshProcess() throws {
        guard let exe = amsgaExecutable(), (try? DataLocator().folder(for: .fashionMNIST)) != nil else {
            print("skipping: no amsga executable or no Fashion-MNIST")
            return
        }
        let probe = MemoryProbe(method: .backprop, dataset: .fashionMNIST, batch: 10, steps: 1, threads: 1)
        let r = try probe.measureInFreshProcess(executable: exe)
        #expect(r.dataMiB > 0 && r.peakMiB >= r.dataMiB, "\(r)")
    }

    @Test("A probe the command refuses fails with the command's message, not a parse of its words")
    func refused() throws {
        guard let exe = amsgaExecutable() else {
            print("skipping: no amsga executable")
            return
        }
        let probe = MemoryProbe(method: .backprop, batch: 0)
        #expect(throws: MemoryProbeError.self) { try probe.measureInFreshProcess(executable: exe) }
        do { _ = try probe.measureInFreshProcess(executable: exe) } catch {
            #expect("\(error)".contains("--batch must be positive, got 0"), "\(error)")
        }
    }
}
