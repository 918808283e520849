import ArgumentParser
import Foundation
import InvDBKit

struct SchemaDocs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema-docs",
        abstract: "Print the table reference (Markdown) generated from the comments in Schema/.",
        discussion: "`make docs` writes it to docs/tables.md.")

    func run() throws {
        try runReportingErrors {
            let migrations = try Migrations(directory: try ResourceLocator.locate().schemaDirectory)
            print(SchemaDocumentation(migrations: migrations).markdown, terminator: "")
        }
    }
}
