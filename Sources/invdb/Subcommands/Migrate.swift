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

struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Upgrade a database made by an older invdb to this version's schema.",
        discussion: """
            Read commands (check, query, runs, diff, waivers, tables) never change the database; \
            after an upgrade of invdb they ask for this (any import or scan upgrades it too). A \
            database from a newer invdb, or a file that is not an invdb database, is refused and \
            left untouched.
            """)

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try runReportingErrors {
            let store = try database.open(.write)
            Terminal.printOutput("\(SafeText.quote(store.path, limit: 256)) is up to date (schema \(try database.migrations().steps.last!.identifier))")
        }
    }
}
