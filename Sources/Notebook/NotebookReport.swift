import Foundation
import Ink
import RunStore

/// `outputs/<notebook>/report.html`: the notebook as a reader sees it — prose
/// (Markdown through Ink), each cell's code, printed output, tables and
/// figures, with parameters, timings, cache status and the git commit.
public enum NotebookReport {
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// Printed output: Markdown tables (lines starting with "|") rendered, the rest preformatted.
    static func outputHTML(_ text: String, parser: MarkdownParser) -> String {
        PrintedBlocks.split(text).map { block in
            block.isTable ? parser.html(from: block.text) : "<pre class=\"output\">" + escape(block.text) + "</pre>\n"
        }.joined()
    }

    public static func render(_ runner: NotebookRunner) throws -> String {
        let parser = MarkdownParser()
        let nb = runner.notebook
        var body = nb.cells.indices.map { cellHTML($0, runner, parser: parser) }.joined()
        if !runner.source.outro.isEmpty {
            body += "<section class=\"prose\">" + ProseMarkdown.html(runner.source.outro, parser: parser) + "</section>\n"
        }
        if !runner.source.helpers.isEmpty {
            body += "<h2>Helpers the cells call</h2>\n<pre class=\"code\"><code>" + escape(runner.source.helpers) + "</code></pre>\n"
        }
        let params = nb.parameters.map { p in
            let now = runner.parameters[p.name]?.description ?? ""
            return "<tr><td><code>\(escape(p.name))</code></td><td>\(escape(now))</td><td>\(escape(p.value.description))</td></tr>"
        }.joined(separator: "\n")
        let total = nb.cells.indices.compactMap { try? runner.storedState($0).seconds }.reduce(0, +)
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(escape(nb.name)) — amsga notebook</title>
            <style>
            \(style)
            </style></head><body>
            <div class="meta"><h1>Notebook <code>\(escape(nb.name))</code></h1>
            <p>git commit <code>\(escape(Provenance.gitCommit))</code> · report made \(escape(ISO8601DateFormatter().string(from: Date()))) · cells' total run time \(String(format: "%.1f", total)) s</p>
            <table><tr><th>parameter</th><th>value</th><th>default</th></tr>
            \(params)
            </table></div>
            \(body)
            </body></html>

            """
    }

    static let style = """
        body { font-family: -apple-system, "DejaVu Sans", Helvetica, Arial, sans-serif; max-width: 1000px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.5; }
        h1, h2, h3 { line-height: 1.25; }
        .meta { color: #555; font-size: 0.9em; border-bottom: 1px solid #ddd; padding-bottom: 1em; }
        .meta table, .prose table, section.cell table { border-collapse: collapse; margin: 0.5em 0; }
        td, th { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: left; }
        .cell { border-left: 3px solid #0072B2; padding-left: 0.8em; margin: 1.2em 0; }
        .cellhead { font-size: 0.9em; margin-bottom: 0.3em; }
        .num { color: #0072B2; font-family: monospace; }
        .fresh { background: #e3f2e8; color: #1b5e20; padding: 0 0.4em; border-radius: 3px; }
        .stale { background: #fdecea; color: #8a1c1c; padding: 0 0.4em; border-radius: 3px; }
        .time { color: #777; }
        pre { padding: 0.6em; overflow-x: auto; font-size: 0.85em; }
        pre.code { background: #f6f8fa; border: 1px solid #e1e4e8; }
        pre.output { background: #fff; border: 1px dashed #ccc; }
        figure { margin: 0.8em 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
        figcaption { color: #777; font-size: 0.8em; font-family: monospace; }
        """

    /// One cell: its prose, then a head with its status and timing, its code,
    /// and what its stored state printed and drew.
    static func cellHTML(_ i: Int, _ runner: NotebookRunner, parser: MarkdownParser) -> String {
        let section = runner.source.sections[i]
        var html = ""
        if !section.prose.isEmpty {
            html += "<section class=\"prose\">" + ProseMarkdown.html(section.prose, parser: parser) + "</section>\n"
        }
        let state = try? runner.storedState(i)
        html +=
            "<section class=\"cell\"><div class=\"cellhead\"><span class=\"num\">[\(i + 1)]</span> <b>\(escape(runner.notebook.cells[i].name))</b> \(badge(i, runner)) <span class=\"time\">\(escape(timing(state)))</span></div>\n"
        html += "<pre class=\"code\"><code>" + escape(section.code) + "</code></pre>\n"
        if let s = state {
            if !s.output.isEmpty { html += outputHTML(s.output, parser: parser) }
            for f in s.figures {
                // Inline, so that the report is one file that can be mailed or archived.
                let svg = runner.figureData(f, cell: i)
                let src = svg.map { "data:image/svg+xml;base64," + $0.base64EncodedString() } ?? escape(f)
                html += "<figure><img src=\"\(src)\" alt=\"\(escape(f))\"><figcaption>\(escape(f))</figcaption></figure>\n"
            }
        }
        return html + "</section>\n"
    }

    /// Stale (and why), computed in this run, or reused from the cache.
    static func badge(_ i: Int, _ runner: NotebookRunner) -> String {
        let st = runner.status(i)
        guard st.fresh else { return "<span class=\"stale\">stale: \(escape(st.reasons.joined(separator: "; ")))</span>" }
        return runner.executed.contains(i)
            ? "<span class=\"fresh\">computed in this run</span>" : "<span class=\"fresh\">reused from the cache</span>"
    }

    /// When the stored state ran, for how long, at which commit and with which uncommitted changes.
    static func timing(_ state: CellState?) -> String {
        guard let s = state else { return "not run" }
        return String(format: "ran %@ in %.1f s", s.ranAt, s.seconds)
            + (s.gitCommit.isEmpty ? "" : " at commit " + String(s.gitCommit.prefix(12)))
            + (s.uncommittedDiff.isEmpty
                ? ""
                : " with uncommitted changes (" + CacheEntry.uncommittedDiffName + " in its entry, SHA-256 "
                    + String(s.uncommittedDiff.prefix(12)) + ")")
    }

    /// Writes the report and returns its path.
    @discardableResult
    public static func write(_ runner: NotebookRunner) throws -> String {
        let path = runner.outputDirectory + "/report.html"
        FaultInjection.reach(.report)
        try Data(try render(runner).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        return path
    }
}
