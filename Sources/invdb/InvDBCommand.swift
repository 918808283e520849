import ArgumentParser
import InvDBChecks
import InvDBCore
import InvDBImport
import InvDBJSON
import InvDBRender
import InvDBReport
import InvDBScan
import InvDBStore

@main
struct InvDBCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invdb",
        abstract: "Turn AWS inventory exports into one SQLite database and check CIS AWS 1.18 (IAM instance roles).",
        discussion: """
            Typical use:
              invdb-export-aws exports       # the AWS CLI commands, into a folder
              invdb import exports/          # AWS CLI JSON output, files or folders
              invdb scan collected/          # files collected from instances (i-…/ folders)
              invdb check cis-1.18           # run the saved checks
              invdb report cis-1.18 --out reports   # scheduled: history, what changed
              invdb query "SELECT * FROM instances_without_usable_role"

            Exit codes: 0 success; 1 the checks found alarms or errors; 2 bad input \
            (a file, the database); 64 usage error.
            """,
        version: InvDB.version,
        subcommands: [Import.self, Scan.self, Check.self, Checks.self, Report.self, Runs.self, Diff.self, Waive.self, Waivers.self,
                      Query.self, Tables.self, Migrate.self, SchemaDocs.self]
    )
}
