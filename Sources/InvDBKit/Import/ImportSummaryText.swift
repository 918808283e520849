import Foundation

/// The summary `invdb import` prints: files, rows per table, what was skipped.
public enum ImportSummaryText {
    public static func render(_ summary: ImportSummary, seconds: Double, database: String) -> String {
        var imported = 0, unchanged = 0, skipped: [(String, String)] = []
        for outcome in summary.outcomes {
            switch outcome {
            case .imported: imported += 1
            case .unchanged: unchanged += 1
            case .skipped(let path, let reason): skipped.append((path, reason))
            case .failed: break
            }
        }
        var lines = ["Imported \(imported) \(imported == 1 ? "file" : "files") into \(database) in \(String(format: "%.2f", seconds)) s"
                     + " (\(unchanged) unchanged, \(skipped.count) skipped, \(summary.failures.count) failed)"]
        let totals = summary.totals.byTable
        if !totals.isEmpty {
            let width = totals.keys.map(\.count).max() ?? 0
            for table in totals.keys.sorted() {
                lines.append("  " + table.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + String(totals[table]!))
            }
        }
        for outcome in summary.outcomes {
            if case .unchanged(let path, let kind) = outcome {
                lines.append("unchanged: \(path) (\(kind.rawValue): the same bytes were imported before, or earlier in this run)")
            }
        }
        for (path, reason) in skipped {
            lines.append("skipped: \(path): \(reason)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
