/// A cell's printed output cut into runs of Markdown table lines and runs of
/// other text (what the report renders as tables, and the export as Markdown).
struct PrintedBlocks {
    var text: String
    var isTable: Bool

    static func split(_ output: String) -> [PrintedBlocks] {
        let trimmed = output.trimmingCharacters(in: .newlines)
        guard !trimmed.isEmpty else { return [] }
        var blocks: [PrintedBlocks] = []
        for line in trimmed.components(separatedBy: "\n") {
            let isTable = line.hasPrefix("|")
            if let last = blocks.last, last.isTable == isTable {
                blocks[blocks.count - 1].text += "\n" + line
            } else {
                blocks.append(PrintedBlocks(text: line, isTable: isTable))
            }
        }
        return blocks
    }
}
