import Foundation
import PackagePlugin

/// Generates `allNotebooks` for the notebooks target from its own files, so
/// that a new `notebooks/Name.swift` is picked up without editing any list.
/// SwiftPM runs the plugin again when the target's files change.
@main
struct NotebookRegistry: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        let inputs = target.sourceFiles(withSuffix: "swift").map(\.url).sorted { $0.path < $1.path }
        let output = context.pluginWorkDirectoryURL.appending(path: "Registry.swift")
        return [
            .buildCommand(
                displayName: "Listing the notebooks of \(target.name)",
                executable: try context.tool(named: "NotebookRegistryGenerator").url,
                arguments: [output.path] + inputs.map(\.path),
                inputFiles: inputs, outputFiles: [output])
        ]
    }
}
