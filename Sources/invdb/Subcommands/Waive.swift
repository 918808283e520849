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

struct Waive: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Accept a check's result for one resource, with a reason, an owner and an expiry.",
        discussion: """
            A waived alarm or error shows as `waived` (not ok) until the end of the expiry day; \
            then it fails again and reports flag the waiver as expired. Waivers live in the \
            database and survive re-imports. `invdb waivers` lists them; `invdb waive --remove ID` \
            deletes one.
            """)

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("Check id (see invdb checks).", valueName: "check"))
    var check: String?

    @Argument(help: ArgumentHelp("Resource the check reports (e.g. an instance id).", valueName: "resource"))
    var resource: String?

    @Option(name: .long, help: "Why the result is accepted (required).")
    var reason: String?

    @Option(name: .long, help: "Who accepted it (required).")
    var owner: String?

    @Option(name: .long, help: ArgumentHelp("Last day the waiver applies, YYYY-MM-DD (required).", valueName: "date"))
    var expires: String?

    @Option(name: .long, help: ArgumentHelp("Remove the waiver with this id instead.", valueName: "id"))
    var remove: Int?

    func validate() throws {
        if remove != nil { return }
        guard check != nil, resource != nil else { throw ValidationError("give CHECK and RESOURCE (or --remove ID)") }
        guard let reason, !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("a waiver needs --reason") }
        guard let owner, !owner.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("a waiver needs --owner") }
        guard expires != nil else { throw ValidationError("a waiver needs --expires YYYY-MM-DD") }
    }

    func run() throws {
        try runReportingErrors {
            let store = try database.open(.write)
            if let remove {
                guard try WaiverStore.remove(store, id: remove) else { throw UsageError("no waiver \(remove); `invdb waivers` lists them") }
                Terminal.printOutput("Removed waiver \(remove)")
                return
            }
            let known = try BenchmarkCatalog(directory: try database.resources().queriesDirectory).benchmarks.flatMap(\.checks).map(\.id)
            guard known.contains(check!) else {
                throw UsageError("no check '\(check!)'; `invdb checks` lists them")
            }
            let waiver = try WaiverStore.add(store, checkId: check!, resource: resource!, reason: reason!, owner: owner!,
                                             expires: expires!, now: Clock.now())
            Terminal.printOutput("Waiver \(waiver.id): \(waiver.checkId) for \(SafeText.quote(waiver.resource, limit: 200)) by \(SafeText.quote(waiver.owner, limit: 200)) until \(waiver.expiresOn)")
        }
    }
}

struct Waivers: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the waivers (exceptions), active and expired.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        try runReportingErrors {
            let store = try database.open(.read)
            let today = Clock.day(Clock.now())
            let rows: [[CellValue]] = try WaiverStore.all(store).map { waiver in
                [.integer(Int64(waiver.id)), .text(waiver.checkId), .text(waiver.resource), .text(waiver.owner), .text(waiver.expiresOn),
                 .text(waiver.isActive(on: today) ? "active" : "EXPIRED"), .text(waiver.reason)]
            }
            let table = ResultTable(columns: ["id", "check_id", "resource", "owner", "expires_on", "state", "reason"], rows: rows)
            try output.emit(table)
        }
    }
}
