import Ink

/// Notebook prose as HTML. Ink ends a paragraph at a line that starts with a
/// backtick (`code`), so the lines of each paragraph or list item are joined
/// into one before it parses them.
enum ProseMarkdown {
    static func html(_ markdown: String, parser: MarkdownParser) -> String {
        parser.html(from: joiningContinuationLines(markdown))
    }

    /// Each run of plain text lines following a paragraph or list-item line,
    /// joined onto it with a space; blank lines, fenced code and block starts
    /// (headings, list items, tables, quotes, rules, indented code) stay as they are.
    static func joiningContinuationLines(_ markdown: String) -> String {
        var out: [String] = []
        var inFence = false
        var previousJoinable = false
        for line in markdown.components(separatedBy: "\n") {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("```") || t.hasPrefix("~~~") {
                inFence.toggle()
                out.append(line)
                previousJoinable = false
                continue
            }
            if inFence || t.isEmpty || line.hasPrefix("    ") || line.hasPrefix("\t") {
                out.append(line)
                previousJoinable = false
                continue
            }
            let startsBlock = t.hasPrefix("#") || t.hasPrefix("|") || t.hasPrefix(">") || t.hasPrefix("---") || isListItem(t)
            if previousJoinable && !startsBlock {
                out[out.count - 1] += " " + t
            } else {
                out.append(line)
            }
            previousJoinable = !(t.hasPrefix("#") || t.hasPrefix("|") || t.hasPrefix("---"))
        }
        return out.joined(separator: "\n")
    }

    static func isListItem(_ t: String) -> Bool {
        if t.hasPrefix("- ") || t.hasPrefix("* ") || t.hasPrefix("+ ") { return true }
        let digits = t.prefix { $0.isNumber }
        return !digits.isEmpty && (t.dropFirst(digits.count).hasPrefix(". ") || t.dropFirst(digits.count).hasPrefix(") "))
    }
}
