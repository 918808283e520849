import Foundation
import GRDB
import InvDBCore

/// The table reference: names and types from the schema itself (the migrations applied to an
/// in-memory database, read with `PRAGMA table_info`), meanings from the comments in
/// `Schema/*.sql` — a `-- table:` or `-- view:` line before each `CREATE`, a trailing `-- meaning`
/// on each column line, and `-- table-note: name: text` lines that add to a description.
/// `docs/tables.md` and `invdb tables` are made from it.
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

    /// Every table and view, in the order the migrations made them.
    public private(set) var relations: [Relation] = []

    /// Reads the migrations' comments and applies them to an in-memory database.
    ///
    /// - Throws: `CommandFailure` when a migration's SQL fails.
    public init(migrations: Migrations) throws {
        var comments = Comments()
        for step in migrations.steps { comments.parse(step.sql) }
        let memory = try DatabaseQueue()
        relations = try memory.write { db in
            for step in migrations.steps { try db.execute(sql: step.sql) }
            return try Row.fetchAll(db, sql: """
                SELECT name, type FROM sqlite_master
                WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY rowid
                """).map { row -> Relation in
                let name: String = row["name"]
                let columns = try Row.fetchAll(db, sql: "SELECT name, type FROM pragma_table_info(?)", arguments: [name]).map { column in
                    Column(name: column["name"], type: column["type"], meaning: comments.columns[name]?[column["name"] as String] ?? "")
                }
                return Relation(name: name, isView: (row["type"] as String) == "view", description: comments.descriptions[name] ?? "", columns: columns)
            }
        }
    }

    /// The comments of the migration files, by relation and column.
    private struct Comments {
        var descriptions: [String: String] = [:]
        var columns: [String: [String: String]] = [:]

        mutating func parse(_ sql: String) {
            var pendingDescription = ""
            var current: (name: String, isView: Bool)?
            for rawLine in sql.split(separator: "\n", omittingEmptySubsequences: false) {
                let line = rawLine.trimmingCharacters(in: .whitespaces)
                if line.hasPrefix("-- table:") || line.hasPrefix("-- view:") {
                    pendingDescription = String(line[line.index(after: line.firstIndex(of: ":")!)...]).trimmingCharacters(in: .whitespaces)
                    continue
                }
                if line.hasPrefix("-- table-note:") {
                    let note = line.dropFirst("-- table-note:".count)
                    if let colon = note.firstIndex(of: ":") {
                        let name = note[..<colon].trimmingCharacters(in: .whitespaces)
                        descriptions[name, default: ""] += " " + note[note.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                    }
                    continue
                }
                let words = line.split(separator: " ").map(String.init)
                if words.count >= 6, words[0] == "ALTER", words[1] == "TABLE", words[3] == "RENAME", words[4] == "TO" {
                    let from = words[2], to = words[5].trimmingCharacters(in: CharacterSet(charactersIn: ";"))
                    descriptions[to] = descriptions.removeValue(forKey: from)
                    columns[to] = columns.removeValue(forKey: from)
                    continue
                }
                if words.count >= 6, words[0] == "ALTER", words[1] == "TABLE", words[3] == "ADD", words[4] == "COLUMN", let comment = Self.comment(in: line) {
                    columns[words[2], default: [:]][words[5]] = comment
                    continue
                }
                if words.count >= 3, words[0] == "CREATE", words[1] == "TABLE" || words[1] == "VIEW" {
                    let name = words[2].replacingOccurrences(of: "(", with: "")
                    descriptions[name] = pendingDescription
                    columns[name] = [:]
                    current = (name, words[1] == "VIEW")
                    pendingDescription = ""
                    if line.hasSuffix(";") { current = nil }
                    continue
                }
                guard let relation = current else { continue }
                if !line.hasPrefix("--"), let comment = Self.comment(in: line) {
                    let code = line[..<line.range(of: "--")!.lowerBound].trimmingCharacters(in: .whitespaces)
                    if relation.isView {
                        let expression = code.trimmingCharacters(in: CharacterSet(charactersIn: ", "))
                        let name = expression.components(separatedBy: " AS ").last?.components(separatedBy: ".").last ?? expression
                        columns[relation.name, default: [:]][name.trimmingCharacters(in: .whitespaces)] = comment
                    } else if let first = code.split(separator: " ").first, first != "PRIMARY" {
                        columns[relation.name, default: [:]][String(first)] = comment
                    }
                }
                if line.hasSuffix(";") && !line.hasPrefix("--") { current = nil }
            }
        }

        private static func comment(in line: String) -> String? {
            guard let range = line.range(of: "-- ") else { return nil }
            return String(line[range.upperBound...]).trimmingCharacters(in: .whitespaces)
        }
    }

    /// The reference as Markdown (what `make docs` writes to docs/tables.md).
    public var markdown: String {
        var lines = ["# Tables and views", "",
                     "Generated by `make docs` (`invdb schema-docs`): names and types from the schema, meanings from the comments in "
                     + "`Schema/`; do not edit by hand.", ""]
        for relation in relations where relation.name != "grdb_migrations" {
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
