import InvDBChecks
import InvDBCore
import InvDBJSON

/// GitHub-flavoured Markdown tables, built in one place for `check --format markdown` and the
/// scheduled report. Cells given as `text` are untrusted and escaped (`OutputBytes.appendMarkdown`);
/// cells given as `markdown` are invdb's own markup (bold, links, code).
public enum MarkdownTable {
    /// One cell of a table.
    public enum Cell {
        case text(String)
        case markdown(String)
    }

    /// The header row and the alignment row; `numeric` columns are right-aligned.
    public static func header(_ names: [String], numeric: Set<Int> = []) -> String {
        var out = OutputBytes()
        appendRow(names.map { .text($0) }, into: &out)
        out.append("|")
        for index in names.indices { out.append(numeric.contains(index) ? " ---: |" : " --- |") }
        out.append("\n")
        return out.string
    }

    /// One row.
    public static func row(_ cells: [Cell]) -> String {
        var out = OutputBytes()
        appendRow(cells, into: &out)
        return out.string
    }

    /// Appends one row to `out`.
    public static func appendRow(_ cells: [Cell], into out: inout OutputBytes) {
        out.append("|")
        for cell in cells {
            out.append(" ")
            switch cell {
            case .text(let text): out.appendMarkdown(text)
            case .markdown(let markup): out.append(markup)
            }
            out.append(" |")
        }
        out.append("\n")
    }

    /// Escapes untrusted text for a cell or a paragraph.
    public static func escape(_ text: String) -> String {
        var out = OutputBytes()
        out.appendMarkdown(text)
        return out.string
    }
}
