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

struct SchemaDocs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema-docs",
        abstract: "Print the table reference (Markdown) generated from the comments in Schema/.",
        discussion: "`make docs` writes it to docs/tables.md.")

    func run() throws {
        try runReportingErrors {
            let migrations = try Migrations(directory: try ResourceLocator.locate().schemaDirectory)
            print(try SchemaDocumentation(migrations: migrations).markdown, terminator: "")
        }
    }
}
