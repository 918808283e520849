import Foundation
import GRDB

/// The table reference, generated from the comments in `Schema/*.sql`: a `-- table:` or
/// `-- view:` line before each `CREATE`, and a trailing `-- meaning` on each column line.
/// The comments are the single source; `docs/tables.md` and `invdb tables` are made from them.
public struct SchemaDocumentation: Sendable {
    public struct Column: Sendable, Equatable {
        public var name: String
        public var type: String
        public var meaning: String
    }

    public struct Relation: Sendable, Equatable {
        public var name: String
        public var isView: Bool
        public var description: String
        public var columns: [Column]
    }

    public private(set) var relations: [Relation] = []

    public init(migrations: Migrations) {
        for step in migrations.steps { parse(step.sql) }
    }

    private mutating func parse(_ sql: String) {
        var pendingDescription = ""
        var current: Int?
        for rawLine in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("-- table:") || line.hasPrefix("-- view:") {
                pendingDescription = String(line[line.index(after: line.firstIndex(of: ":")!)...]).trimmingCharacters(in: .whitespaces)
                continue
            }
            let words = line.split(separator: " ").map(String.init)
            if words.count >= 3, words[0] == "DROP", words[1] == "TABLE" || words[1] == "VIEW" {
                // A later migration replaces the relation: its new definition documents it.
                let name = words[2].trimmingCharacters(in: CharacterSet(charactersIn: ";"))
                relations.removeAll { $0.name == name }
                continue
            }
            if words.count >= 3, words[0] == "CREATE", words[1] == "TABLE" || words[1] == "VIEW" {
                let name = words[2].replacingOccurrences(of: "(", with: "")
                relations.append(Relation(name: name, isView: words[1] == "VIEW", description: pendingDescription, columns: []))
                current = relations.count - 1
                pendingDescription = ""
                if line.hasSuffix(";") { current = nil }
                continue
            }
            if words.count >= 6, words[0] == "ALTER", words[1] == "TABLE", words[3] == "ADD", words[4] == "COLUMN",
               let index = relations.firstIndex(where: { $0.name == words[2] }), let comment = Self.comment(in: line) {
                relations[index].columns.append(Column(name: words[5], type: words.count > 6 ? words[6].trimmingCharacters(in: CharacterSet(charactersIn: ";,")) : "", meaning: comment))
                continue
            }
            guard let index = current else { continue }
            if !line.hasPrefix("--"), let comment = Self.comment(in: line) {
                let code = line[..<line.range(of: "--")!.lowerBound].trimmingCharacters(in: .whitespaces)
                if relations[index].isView {
                    let expression = code.trimmingCharacters(in: CharacterSet(charactersIn: ", "))
                    let name = expression.components(separatedBy: " AS ").last?.components(separatedBy: ".").last ?? expression
                    relations[index].columns.append(Column(name: name.trimmingCharacters(in: .whitespaces), type: "", meaning: comment))
                } else if let first = code.split(separator: " ").first, first != "PRIMARY" {
                    let type = code.split(separator: " ").dropFirst().first.map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: ",")) } ?? ""
                    relations[index].columns.append(Column(name: String(first), type: type, meaning: comment))
                }
            }
            if line.hasSuffix(";") && !line.hasPrefix("--") { current = nil }
        }
    }

    private static func comment(in line: String) -> String? {
        guard let range = line.range(of: "-- ") else { return nil }
        return String(line[range.upperBound...]).trimmingCharacters(in: .whitespaces)
    }

    /// The reference as Markdown (what `make docs` writes to docs/tables.md).
    public var markdown: String {
        var lines = ["# Tables and views", "",
                     "Generated from the comments in `Schema/` by `make docs` (`invdb schema-docs`); do not edit by hand.", ""]
        for relation in relations {
            lines += ["## \(relation.name)\(relation.isView ? " (view)" : "")", "", relation.description, ""]
            guard !relation.columns.isEmpty else { continue }
            lines += relation.isView ? ["| column | meaning |", "| --- | --- |"] : ["| column | type | meaning |", "| --- | --- | --- |"]
            for column in relation.columns {
                let meaning = column.meaning.replacingOccurrences(of: "|", with: "\\|")
                lines.append(relation.isView ? "| `\(column.name)` | \(meaning) |" : "| `\(column.name)` | \(column.type) | \(meaning) |")
            }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    /// The tables and views of the database with their descriptions (and row counts).
    public static func listing(database: InvDatabase, documentation: SchemaDocumentation, counts: Bool) throws -> ResultTable {
        try database.read { db in
            let names = try Row.fetchAll(db, sql: """
                SELECT name, type FROM sqlite_master
                WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%'
                ORDER BY type, name
                """)
            var rows: [[CellValue]] = []
            for row in names {
                let name: String = row["name"]
                var cells: [CellValue] = [.text(name), .text(row["type"])]
                if counts {
                    cells.append(.integer(try Int64.fetchOne(db, sql: "SELECT count(*) FROM \(name.quotedDatabaseIdentifier)") ?? 0))
                }
                cells.append(.text(documentation.relations.first(where: { $0.name == name })?.description ?? ""))
                rows.append(cells)
            }
            return ResultTable(columns: counts ? ["name", "type", "rows", "description"] : ["name", "type", "description"], rows: rows)
        }
    }
}
