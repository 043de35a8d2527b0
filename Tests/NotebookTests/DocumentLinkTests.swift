import Foundation
import Notebook
import TestSupport
import Testing

/// The documents' relative links and the `outputs/…` paths they name resolve
/// in the checkout, so that a renamed file or a moved result breaks CI rather
/// than a reader's click.
@Suite("Documents: every relative link and outputs/ path resolves")
struct DocumentLinkTests {
    /// Relative link targets (`[text](target)`, without a scheme or a bare
    /// anchor) and `outputs/…` paths that are not templates (`outputs/<notebook>/`, `outputs/*/`).
    static func references(in text: String) -> [String] {
        var found: [String] = []
        for m in text.matches(of: #/\]\(([^)\s]+)\)/#) {
            let target = String(m.output.1)
            if target.hasPrefix("#") || target.firstMatch(of: #/^[a-z]+:/#) != nil { continue }
            found.append(String(target.split(separator: "#", omittingEmptySubsequences: false)[0]))
        }
        let outputsPath = #/(?:^|[^\w\/.])(outputs\/[A-Za-z0-9_.\-]+(?:\/[A-Za-z0-9_.\-]+)*)/#.anchorsMatchLineEndings()
        for m in text.matches(of: outputsPath) {
            if let next = text[m.output.1.endIndex...].first, "<*{$".contains(next) { continue }
            var path = String(m.output.1)
            while path.hasSuffix(".") { path.removeLast() }
            found.append("/" + path)
        }
        return found
    }

    /// Every reference of `file` (relative to `root`) that names nothing,
    /// and every link to a section of the same page (`#anchor`) that no heading makes.
    static func broken(_ file: String, root: String) throws -> [String] {
        let text = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
        let folder = (file as NSString).deletingLastPathComponent
        let missing = references(in: text).filter { ref in
            let path = ref.hasPrefix("/") ? root + ref : root + "/" + (folder.isEmpty ? "" : folder + "/") + ref
            return !FileManager.default.fileExists(atPath: (path as NSString).standardizingPath)
        }
        let anchors = Set(text.split(separator: "\n").filter { $0.hasPrefix("#") }.map { anchor(String($0)) })
        let sections = text.matches(of: #/\]\(#([^)\s]+)\)/#).map { String($0.output.1) }.filter { !anchors.contains($0) }
        return missing + sections.map { "#" + $0 }
    }

    /// A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens.
    static func anchor(_ heading: String) -> String {
        let title = heading.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces).lowercased()
        return String(
            title.compactMap { c -> Character? in
                c == " " ? "-" : (c.isLetter || c.isNumber || c == "-" || c == "_") ? c : nil
            })
    }

    @Test("README.md, CONTRIBUTING.md, docs/ and outputs/RESULTS.md")
    func linksResolve() throws {
        let root = try #require(SourceTree.root)
        var files = ["README.md", "outputs/RESULTS.md"]
        if FileManager.default.fileExists(atPath: root + "/CONTRIBUTING.md") { files.append("CONTRIBUTING.md") }
        let docs = FileManager.default.enumerator(atPath: root + "/docs")?.allObjects as? [String] ?? []
        files += docs.filter { $0.hasSuffix(".md") }.map { "docs/" + $0 }
        var checked = 0
        for f in files {
            checked += Self.references(in: try String(contentsOfFile: root + "/" + f, encoding: .utf8)).count
            let bad = try Self.broken(f, root: root)
            #expect(bad.isEmpty, "\(f) names what does not exist: \(bad.joined(separator: ", "))")
        }
        #expect(checked > 100, "only \(checked) references found: the patterns no longer match the documents")
    }

    @Test("A broken link, a missing outputs/ path and a section no heading makes are found; templates and URLs are not checked")
    func findsBroken() throws {
        let dir = Scratch.path("links")
        try FileManager.default.createDirectory(atPath: dir + "/docs", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "x".write(toFile: dir + "/docs/there.md", atomically: true, encoding: .utf8)
        let text = """
            ## Table I — MNIST
            [ok](there.md#part) [gone](missing.md) [web](https://example.org/x) [anchor](#table-i--mnist) [no](#table-ii)
            `outputs/<notebook>/report.html`, outputs/*/sets/, and outputs/mnist/report.html.
            """
        try text.write(toFile: dir + "/docs/page.md", atomically: true, encoding: .utf8)
        #expect(try Self.broken("docs/page.md", root: dir) == ["missing.md", "/outputs/mnist/report.html", "#table-ii"])
    }
}
