import ArgumentParser

@main
struct AMSGA: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "amsga",
        abstract: "Forward-Forward learning and AMSGA, reproducibly.",
        subcommands: [List.self, RunNotebook.self, StatusCommand.self, Clean.self, Report.self, DataCommand.self, Train.self, Inspect.self, Plot.self, Bench.self])
}

/// Options shared by every command that reads a dataset.
struct DataOptions: ParsableArguments {
    @Option(name: .customLong("data"), help: "Folder holding mnist/ and fashion-mnist/ (else $AMSGA_DATA, ./data, /usr/share/datasets).")
    var directory: String?
}
