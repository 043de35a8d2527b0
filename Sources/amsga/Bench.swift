import ArgumentParser

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks (release builds): kernels, and training speed against the sgemm bound.",
        subcommands: [Kernels.self, Training.self, Memory.self])
}
