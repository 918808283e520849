import ArgumentParser
import Foundation
import InvDBChecks
import InvDBCore
import InvDBImport
import InvDBJSON
import InvDBRender
import InvDBReport
import InvDBScan
import InvDBStore

struct Query: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run SQL against the database (opened read-only).",
        discussion: """
            SQL is the query text, a path to a .sql file, or - to read standard input. Only the \
            rows of the last statement that returns rows are printed.

            Example: invdb query "SELECT instance_id, name, problem FROM instances_without_usable_role"
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: ArgumentHelp("SQL text, a .sql file, or - for standard input.", valueName: "sql"))
    var sql: String

    func run() throws {
        try runReportingErrors {
            let text: String
            if sql == "-" {
                text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            } else if sql.hasSuffix(".sql"), FileManager.default.fileExists(atPath: sql) {
                text = try String(contentsOfFile: sql, encoding: .utf8)
            } else {
                text = sql
            }
            let store = try database.open(.read)
            let target = try output.target()
            try QueryRunner.run(sql: text, database: store, into: output.renderer(into: target))
            try target.publish()
        }
    }
}
