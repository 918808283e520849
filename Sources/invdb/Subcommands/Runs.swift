import ArgumentParser
import Foundation
import InvDBChecks
import InvDBCore
import InvDBRender
import InvDBReport
import InvDBStore

struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the recorded runs (invdb report, invdb check --record), or prune old ones.",
        discussion: """
            --prune deletes old runs and the history only they used: keep the newest N runs of \
            each benchmark (--keep N) or the runs of the last DAYS days (--older-than DAYS). \
            The remaining runs report exactly as before, "failing since" dates included.
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    @Flag(name: .long, help: "Delete old runs (with --keep or --older-than).")
    var prune = false

    @Option(name: .long, help: ArgumentHelp("With --prune: keep the newest N runs of each benchmark.", valueName: "n"))
    var keep: Int?

    @Option(name: .long, help: ArgumentHelp("With --prune: delete runs recorded more than DAYS days ago.", valueName: "days"))
    var olderThan: Int?

    func validate() throws {
        guard prune else {
            if keep != nil || olderThan != nil { throw ValidationError("--keep and --older-than go with --prune") }
            return
        }
        guard (keep == nil) != (olderThan == nil) else { throw ValidationError("--prune needs one of --keep N or --older-than DAYS") }
        if let keep, keep < 1 { throw ValidationError("--keep must be at least 1") }
        if let olderThan, !(0...36_500).contains(olderThan) { throw ValidationError("--older-than must be a number of days from 0 to 36500") }
    }

    func run() throws {
        try runReportingErrors {
            if prune {
                let store = try database.open(.write)
                let retention: RunHistory.Retention = keep.map { .keepRuns($0) }
                    ?? .newerThan(Clock.now().addingTimeInterval(-Double(olderThan ?? 0) * 86_400))
                let deleted = try RunHistory.prune(store, keeping: retention)
                Terminal.printError("deleted \(deleted) run\(deleted == 1 ? "" : "s")")
                return
            }
            let store = try database.open(.read)
            let rows: [[CellValue]] = try RunHistory.runs(store).map { run in
                [.integer(Int64(run.id)), .text(run.recordedAt), .text(run.benchmark), .text(run.command)]
                    + ["alarm", "error", "waived", "ok"].map { .integer(Int64(run.counts[$0] ?? 0)) }
            }
            try output.emit(ResultTable(columns: ["run", "recorded_at", "benchmark", "command", "alarm", "error", "waived", "ok"], rows: rows))
        }
    }
}
