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

struct Tables: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the tables and views, with what each holds.",
        discussion: "Column-by-column documentation: docs/tables.md (generated from Schema/).")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    @Flag(name: .long, help: "Count the rows of each table and view.")
    var counts = false

    func run() throws {
        try runReportingErrors {
            let migrations = try database.migrations()
            let docs = try SchemaDocumentation(migrations: migrations)
            let store = try database.open(.read)
            let table = try SchemaDocumentation.listing(database: store, documentation: docs, counts: counts)
            try output.emit(table)
        }
    }
}
