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

struct Checks: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the benchmarks and their saved checks.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: ArgumentHelp("Only this benchmark (id or alias).", valueName: "benchmark"))
    var benchmark: String?

    @Option(name: .long, help: ArgumentHelp("Folder of benchmark folders to use instead of the shipped Queries/.", valueName: "dir"))
    var queries: String?

    func run() throws {
        try runReportingErrors {
            let queriesDirectory = try queries.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? database.resources().queriesDirectory
            let catalog = try BenchmarkCatalog(directory: queriesDirectory)
            let benchmarks = try benchmark.map { [try catalog.resolve($0)] } ?? catalog.benchmarks
            var rows: [[CellValue]] = []
            for item in benchmarks {
                for check in item.checks {
                    rows.append([.text(item.id), .text(check.id), .text(check.severity), .text(check.title)])
                }
            }
            let table = ResultTable(columns: ["benchmark", "check_id", "severity", "title"], rows: rows)
            let target = try output.target()
            try output.renderer(into: target).consume(table)
            if output.format == .table {
                for item in benchmarks where !item.aliases.isEmpty {
                    try target.write("\n\(item.id) also answers to \(item.aliases.joined(separator: ", "))."
                        .wrapped(width: Terminal.columns()) + "\n")
                }
            }
            try target.publish()
        }
    }
}
