import ArgumentParser
import Foundation
import Notebook
import RunStore

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export a notebook as Jupyter (--ipynb) or a run's trace as CSV tables (--csv DIR); runs nothing.",
        discussion: """
            amsga export NOTEBOOK --ipynb [-p key=value …] [--out FILE]
                nbformat 4 from the notebook's source and its cached outputs (default
                FILE: outputs/<notebook>/<notebook>.ipynb, beside report.html, which
                `amsga run` and `amsga report` also write).

            amsga export RUN.h5 --csv DIR
                <run>.csv (one row per step), <run>-layers.csv (one per step and
                layer) and <run>-final.csv (final accuracies), units in the headers.
            """)

    @Argument(help: ArgumentHelp("A notebook (with --ipynb) or a run or trace file, .h5 (with --csv).", valueName: "notebook-or-file"))
    var target: String
    @Flag(help: "Write the notebook as an nbformat 4 .ipynb.") var ipynb = false
    @Option(help: ArgumentHelp("Where --ipynb writes (default: beside the notebook's report.html).", valueName: "file")) var out: String?
    @Option(help: ArgumentHelp("Folder the CSV tables of a run file's trace are written to.", valueName: "dir")) var csv: String?
    @Option(name: .customShort("p"), parsing: .singleValue, help: "With --ipynb: a parameter set's export, -p key=value (repeatable).")
    var parameters: [String] = []
    @Option(help: "With --ipynb: the folder of the notebooks' outputs.") var outputs: String = "outputs"

    func validate() throws {
        guard ipynb != (csv != nil) else { throw ValidationError("give one of --ipynb (a notebook) and --csv DIR (a run file)") }
        if csv != nil {
            guard target.hasSuffix(".h5") else { throw ValidationError("--csv exports a run or trace file (.h5); '\(target)' is not one") }
            guard parameters.isEmpty, out == nil else { throw ValidationError("-p and --out go with --ipynb; --csv takes the folder") }
        }
    }

    func run() throws {
        if let csv {
            do {
                for path in try TraceTables.write(runFile: target, to: csv) { print(path) }
            } catch let e as RunFileError { throw RuntimeError(e.description) }
            return
        }
        let options = try NotebookOptions.parse([target, "--outputs", outputs] + parameters.flatMap { ["-p", $0] })
        print(try JupyterExport.write(try options.runner(), to: out))
    }
}
