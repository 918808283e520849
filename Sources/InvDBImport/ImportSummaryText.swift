import Foundation
import InvDBCore
import InvDBDetect
import InvDBJSON
import InvDBStore

/// The summary `invdb import` prints: files, rows per table, what was skipped. Paths and reasons
/// are made safe to print (`SafeText`): file names are input too.
public enum ImportSummaryText {
    public static func render(_ summary: ImportSummary, seconds: Double, database: String) -> String {
        var imported = 0, skipped: [(String, String)] = []
        for outcome in summary.outcomes {
            switch outcome {
            case .imported: imported += 1
            case .skipped(let path, let reason): skipped.append((path, reason))
            case .failed: break
            }
        }
        var lines = ["Imported \(imported) \(imported == 1 ? "file" : "files") into \(SafeText.quote(database, limit: 256)) in \(String(format: "%.2f", seconds)) s"
                     + " (\(skipped.count) skipped, \(summary.failures.count) failed)"]
        let totals = summary.totals.byTable
        if !totals.isEmpty {
            let width = totals.keys.map(\.rawValue.count).max() ?? 0
            for table in totals.keys.sorted() {
                lines.append("  " + table.rawValue.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + String(totals[table]!))
            }
        }
        for (path, reason) in skipped {
            lines.append("skipped: \(SafeText.quote(path, limit: 512)): \(SafeText.quote(reason, limit: 512))")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
