import Datasets
import Foundation

/// What a running cell may ask of the notebook around it, and nothing more.
/// `NotebookRunner` provides it; a `CellContext` holds only this, so a cell
/// cannot reach the runner's cache, locks or publication, and the runner's
/// freshness (`CellFreshness`) stays a function of recorded keys that no
/// context takes part in. The one thing a cell asks that runs code is an
/// upstream result (`freshEntry`, `point`): a stale input runs before it is read.
protocol CellInputs: AnyObject {
    var notebook: Notebook { get }
    var parameters: [String: ParameterValue] { get }
    /// OpenBLAS threads of the training cells.
    var threads: Int { get }
    var locator: DataLocator { get }
    var log: (String) -> Void { get }
    /// Cell i's entry for this parameter set; a stale cell runs first.
    func freshEntry(_ i: Int) throws -> CacheEntry
    /// The inputs of this parameter set with `point` (`name=value`) on top: a sweep's point.
    func point(_ point: [String]) throws -> CellInputs
    /// The file of run `name` that cell i's entry recorded, if it is still there.
    func runFile(_ i: Int, _ name: String, entry: CacheEntry) -> String?
    /// The dataset's fingerprint, for the key.
    func dataFingerprint(_ d: DatasetName) throws -> String
    /// Where cell i keeps the run file of `name` at this configuration.
    func runPath(_ i: Int, _ name: String, configurationHash: String) -> String
    /// A committed trace of a finished run of `configuration`, held by any
    /// entry of the notebook's cache, or of another notebook's under the same outputs folder
    /// (`FinishedRuns`), that read the same data (the dataset's
    /// fingerprint; nil for data a cell made itself, as tests do).
    func finishedTrace(configurationHash: String, dataset: String, dataFingerprint: String?) -> String?
    /// The progress reporter of a training run.
    func progress(name: String, total: Int) -> (TrainingProgress) -> Void
}

extension NotebookRunner: CellInputs {
    func freshEntry(_ i: Int) throws -> CacheEntry {
        try ensureFresh(i)
        guard let e = entry(i) else { throw NotebookError("cell \(i + 1) ran but left no entry that matches") }
        return e
    }

    func point(_ point: [String]) throws -> CellInputs { try child(point) }

    func runFile(_ i: Int, _ name: String, entry e: CacheEntry) -> String? { availableRun(i, name, entry: e) }

    func finishedTrace(configurationHash hash: String, dataset: String, dataFingerprint: String?) -> String? {
        for i in notebook.cells.indices {
            for e in entries(i).readable where e.state.data[dataset] == dataFingerprint {
                for (name, h) in e.state.runParameters where h == hash {
                    if let t = availableRun(i, name, entry: e) { return t }
                }
            }
        }
        return FinishedRuns(outputs: (notebookDirectory as NSString).deletingLastPathComponent, skipping: notebook.name)
            .find(configHash: hash, dataset: dataset, fingerprint: dataFingerprint)
    }
}
