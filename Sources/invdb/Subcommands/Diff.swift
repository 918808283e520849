import ArgumentParser
import Foundation
import InvDBChecks
import InvDBCore
import InvDBRender
import InvDBReport
import InvDBStore

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show what changed between two recorded runs: new failures, resolved, still failing.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: ArgumentHelp("The earlier run (see invdb runs; 0 compares with nothing).", valueName: "run-a"))
    var from: Int

    @Argument(help: ArgumentHelp("The later run.", valueName: "run-b"))
    var to: Int

    func run() throws {
        try runReportingErrors {
            let store = try database.open(.read)
            let target = try output.target()
            let renderer = output.renderer(into: target)
            try renderer.begin(columns: ["change", "check_id", "resource", "name", "status", "failing_since", "reason"])
            var count = 0
            try RunHistory.diff(from: from == 0 ? nil : from, to: to, database: store) { change, item in
                try renderer.row([.text(change.rawValue), .text(item.checkId), .text(item.resource), .text(item.name ?? ""), .text(item.status),
                                  change == .stillFailing ? item.failingSince.map { .text($0) } ?? .null : .null, .text(item.reason)])
                count += 1
            }
            try renderer.end(rowCount: count)
            try target.publish()
        }
    }
}
