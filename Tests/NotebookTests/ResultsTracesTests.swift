import ForwardForward
import Foundation
import Notebook
import RunStore
import Studies
import Testing

/// `outputs/RESULTS.md` sets per-epoch tables beside the runs they come from
/// (the `strong-ff` study's, typed from `scripts/strong-ff-tables.py`), each
/// followed by the path of its committed trace. Every cell of such a table
/// must be what that trace records, to the digits the table prints, so that
/// a hand edit or a re-run that changes a number fails here.
@Suite("RESULTS.md's per-epoch tables are their traces")
struct ResultsTracesTests {
    /// One per-epoch table: its header cells, its rows' cells, and the trace named after it.
    struct EpochTable {
        var line: Int
        var header: [String]
        var rows: [[String]]
        var trace: String?
    }

    static func cells(_ line: Substring) -> [String] {
        line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
            .map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "**", with: "") }
    }

    /// Tables whose first header cell names a run in backquotes and ends in "epoch", with the
    /// first `<notebook>/traces/<name>.h5` that the text names before the next such table.
    static func epochTables(in text: String) -> [EpochTable] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let tracePath = #/[a-z-]+/traces/[A-Za-z0-9-]+\.h5/#
        var tables: [EpochTable] = []
        var i = 0
        while i < lines.count {
            let header = cells(lines[i])
            guard lines[i].hasPrefix("| `"), header.first?.hasSuffix("epoch") == true else {
                if let match = lines[i].firstMatch(of: tracePath), let last = tables.indices.last, tables[last].trace == nil {
                    tables[last].trace = String(match.output)
                }
                i += 1
                continue
            }
            var table = EpochTable(line: i + 1, header: header, rows: [], trace: nil)
            i += 2  // the header and its |---| line
            while i < lines.count, lines[i].hasPrefix("| ") {
                table.rows.append(cells(lines[i]))
                i += 1
            }
            tables.append(table)
        }
        return tables
    }

    /// What the trace records under a column's header, printed as the table prints it.
    static func value(_ column: String, _ e: EpochTrace) -> String? {
        switch column {
        case "η": return String(format: "%.4f", e.learningRate)
        case "loss (mean of layers)": return String(format: "%.3f", e.meanLoss)
        case "train", "train (first 10,000)": return pct(e.accuracyPerSample.train)
        case "validation": return pct(e.accuracyPerSample.validation)
        case "test (per-sample)": return pct(e.accuracyPerSample.test)
        case "test (batch)": return pct(e.accuracyBatch.test)
        case "test (per-sample = batch)":
            let (sample, batch) = (pct(e.accuracyPerSample.test), pct(e.accuracyBatch.test))
            return sample == batch ? sample : "\(sample) per-sample, \(batch) batch"
        default: return nil
        }
    }

    @Test("Every cell of every per-epoch table is what the trace it names records")
    func tablesAgree() throws {
        let root = try #require(SourceTree.root)
        let text = try String(contentsOfFile: root + "/outputs/RESULTS.md", encoding: .utf8)
        let tables = Self.epochTables(in: text)
        #expect(tables.count >= 15, "found \(tables.count) per-epoch tables in RESULTS.md; the parser no longer sees them")
        for table in tables {
            let name = "the table at RESULTS.md:\(table.line)"
            guard let trace = table.trace else {
                Issue.record("\(name) names no trace after it")
                continue
            }
            let run = try RunFile.read(path: root + "/outputs/" + trace)
            for row in table.rows {
                let epoch = try #require(Int(row[0]), "\(name): '\(row[0])' is not an epoch")
                guard let e = run.trace.first(where: { $0.epoch == epoch }) else {
                    Issue.record("\(name): \(trace) has no epoch \(epoch)")
                    continue
                }
                for (column, cell) in zip(table.header.dropFirst(), row.dropFirst()) {
                    let recorded = try #require(Self.value(column, e), "\(name): no rule reads the column '\(column)' from a trace")
                    #expect(cell == recorded, "\(name), epoch \(epoch), \(column): \(cell) in RESULTS.md, \(recorded) in \(trace)")
                }
            }
        }
    }

    @Test("The parser finds a table, its rows and the trace named after it, and only such tables")
    func parser() {
        let text = """
            | method | test |
            |---|---|
            | a | 1% |

            | `x-mnist`, seed 0, epoch | η | test (batch) |
            |---|---|---|
            | 10 | 0.0100 | **98.62%** |
            | 20 | 0.0050 | 98.70% |

            Trace: `strong-ff/traces/x-mnist-s0.h5`, and later `strong-ff/traces/other.h5`.
            """
        let tables = Self.epochTables(in: text)
        #expect(tables.count == 1)
        #expect(tables.first?.rows == [["10", "0.0100", "98.62%"], ["20", "0.0050", "98.70%"]])
        #expect(tables.first?.trace == "strong-ff/traces/x-mnist-s0.h5")
    }
}
