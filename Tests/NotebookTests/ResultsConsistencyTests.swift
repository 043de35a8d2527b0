import Foundation
import Notebook
import Testing

/// `outputs/RESULTS.md` opens with a verdict table whose numbers are typed by
/// hand; each must be what a committed notebook printed. The notebooks'
/// committed `.ipynb` exports carry their cells' printed output (CI checks
/// them against the cell states), so a re-run that changes a number, or an
/// edit of the table, fails here until the two agree again.
@Suite("RESULTS.md quotes the committed results")
struct ResultsConsistencyTests {
    /// A number a verdict row quotes (the row named by how it starts), and
    /// the notebook whose committed output prints it. Ratios computed from
    /// printed seconds (Table V, memory) are not listed: no output prints them.
    static let quoted: [(row: String, notebook: String, number: String)] = [
        ("Table I: baseline FF", "mnist", "92.95 ± 0.06%"),
        ("Table I: AMSGA 93.45%", "mnist", "90.98 ± 0.10%"),
        ("Table I: AMSGA − baseline", "mnist", "-1.97 ± 0.09"),
        ("Table I: AMSGA − baseline", "mnist", "[-2.18, -1.76]"),
        ("Table II: baseline FF", "fashion-mnist", "83.54 ± 0.42%"),
        ("Table II: AMSGA 82.50%", "fashion-mnist", "82.93 ± 0.24%"),
        ("Table II: AMSGA − baseline", "fashion-mnist", "-0.61 ± 0.26"),
        ("Table II: AMSGA − baseline", "fashion-mnist", "[-1.25, +0.04]"),
        ("(not claimed) Table II's sign holds on less data", "fashion-mnist", "+1.13 ± 0.56"),
        ("(not claimed) Table II's sign holds on less data", "fashion-mnist", "[-0.27, +2.52]"),
        ("(not claimed) Table II's sign holds on less data", "fashion-mnist", "+1.73"),
        ("(not claimed) Table II's sign holds on less data", "fashion-mnist", "[+0.46, +3.00]"),
        ("Tables III–IV: backprop MLP", "backprop", "97.43%"),
        ("Tables III–IV: backprop MLP", "backprop", "88.84%"),
        ("Tables III–IV: backprop CNN", "backprop", "99.23%"),
        ("Tables III–IV: backprop CNN", "backprop", "91.19%"),
        ("Ablation", "ablation", "-1.43"),
        ("Ablation", "ablation", "-0.69"),
        ("Ablation", "ablation", "+2.33"),
        ("Ablation", "ablation", "+2.77"),
        ("(not claimed) AMSGA's parts help Hinton's FF", "strong-ff", "98.60 ± 0.02%"),
        ("(not claimed) AMSGA's parts help Hinton's FF", "strong-ff", "89.56 ± 0.10%"),
        ("(not claimed) AMSGA's parts help Hinton's FF", "strong-ff", "-2.17"),
        ("(not claimed) AMSGA's parts help Hinton's FF", "strong-ff", "-3.50"),
        ("(not claimed) AMSGA's parts help Hinton's FF", "strong-ff", "+0.12 ± 0.24"),
        ("(not claimed) AMSGA's parts help Hinton's FF", "strong-ff", "[-0.49, +0.72]"),
        ("(not claimed) another reading", "readings", "+2.29"),
        ("(not claimed) another reading", "readings", "[+1.33, +3.26]"),
        ("(not claimed) another reading", "readings", "93.53 ± 0.26%"),
        ("(not claimed) another reading", "readings", "91.61 ± 0.23%"),
    ]

    /// Every line a notebook's cells printed, from its committed export.
    static func printed(_ notebook: String, root: String) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(root)/outputs/\(notebook)/\(notebook).ipynb"))
        let nb = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var text = ""
        for cell in nb["cells"] as? [[String: Any]] ?? [] {
            for output in cell["outputs"] as? [[String: Any]] ?? [] {
                let lines = output["text"] ?? (output["data"] as? [String: Any])?["text/markdown"]
                text += (lines as? [String] ?? []).joined() + "\n"
            }
        }
        return text
    }

    /// The verdict table's rows: the lines from its header ("| paper's claim") to the first line that is
    /// not a table row, typographic minus as "-".
    static func verdictRows(root: String) throws -> [String] {
        let text = try String(contentsOfFile: root + "/outputs/RESULTS.md", encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .drop { !$0.hasPrefix("| paper's claim") }.dropFirst()
            .prefix { $0.hasPrefix("|") }
            .filter { $0.hasPrefix("| ") }
            .map { $0.replacingOccurrences(of: "−", with: "-") }
    }

    @Test("Every number the verdict table quotes is in its row and in the notebook's committed output")
    func numbersAgree() throws {
        let root = try #require(SourceTree.root)
        let rows = try Self.verdictRows(root: root)
        #expect(rows.count >= 10, "RESULTS.md has no verdict table (a table headed '| paper's claim')")
        var outputs: [String: String] = [:]
        for q in Self.quoted {
            let prefix = "| " + q.row.replacingOccurrences(of: "−", with: "-")
            let row = rows.first { $0.hasPrefix(prefix) }
            #expect(row != nil, "no verdict row starts with '\(q.row)'")
            #expect(row?.contains(q.number) == true, "the row '\(q.row)' does not quote \(q.number)")
            if outputs[q.notebook] == nil { outputs[q.notebook] = try Self.printed(q.notebook, root: root) }
            #expect(outputs[q.notebook]?.contains(q.number) == true, "\(q.notebook)'s committed output does not print \(q.number)")
        }
    }

    @Test("Every verdict row gives a verdict and links to its section")
    func rowsLink() throws {
        let rows = try Self.verdictRows(root: try #require(SourceTree.root))
        for row in rows {
            #expect(row.contains("](#"), "\(row.prefix(60))… links to no section")
        }
    }

    /// The readings section quotes the notebook's tables rather than typing
    /// them: 16 runs, the replicated corners and eight effects with intervals.
    @Test("Every table row of RESULTS.md's readings section is a row the readings notebook printed")
    func readingsTables() throws {
        let root = try #require(SourceTree.root)
        let text = try String(contentsOfFile: root + "/outputs/RESULTS.md", encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex { $0.hasPrefix("## Readings") }, "RESULTS.md has no '## Readings' section")
        let end = lines[(start + 1)...].firstIndex { $0.hasPrefix("## ") } ?? lines.endIndex
        let rows = lines[start..<end].filter { $0.hasPrefix("|") && !$0.hasPrefix("|---") }
            .map { $0.replacingOccurrences(of: "−", with: "-") }
        #expect(rows.count >= 16 + 8, "the readings section should quote the screen's 16 runs and 8 effects, has \(rows.count) rows")
        let printed = try Self.printed("readings", root: root).replacingOccurrences(of: "−", with: "-")
        for row in rows {
            #expect(printed.contains(row), "the readings notebook's committed output has no row \(row)")
        }
    }
}
