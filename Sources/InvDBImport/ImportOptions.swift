import Foundation
import InvDBCore
import InvDBDetect
import InvDBJSON
import InvDBStore

/// How an import run behaves.
public struct ImportOptions: Sendable {
    /// Account for data that does not name its own (`--account`).
    public var account: String?
    /// Region for data that does not name its own (`--region`).
    public var region: String?
    /// The instance that scanner findings without an instance id in their path belong to (`--instance`).
    public var instance: String?
    /// Import the good files and report the bad ones, instead of importing nothing (`--keep-going`).
    public var keepGoing = false
    /// The clock, for `imported_at` (tests fix it).
    public var now: @Sendable () -> Date = { Clock.now() }

    public init(account: String? = nil, region: String? = nil, keepGoing: Bool = false) {
        self.account = account
        self.region = region
        self.keepGoing = keepGoing
    }
}

/// What happened to one input file.
public enum FileOutcome: Sendable {
    /// Imported: its kind and the rows it wrote.
    case imported(path: String, kind: InputKind, counts: RowCounts)
    /// Found in a folder, and not an input invdb knows (or not a regular file).
    case skipped(path: String, reason: String)
    /// Bad input (only with `--keep-going`; otherwise the run fails).
    case failed(InputError)
}

/// The result of an import run.
public struct ImportSummary: Sendable {
    public var outcomes: [FileOutcome] = []
    public var warnings: [String] = []

    /// Rows written per table over all files.
    public var totals: RowCounts {
        var totals = RowCounts()
        for case .imported(_, _, let counts) in outcomes { totals.merge(counts) }
        return totals
    }

    /// The files that failed (with `--keep-going`).
    public var failures: [InputError] {
        outcomes.compactMap { if case .failed(let error) = $0 { return error } else { return nil } }
    }
}

/// Progress of a long import, for a terminal progress line.
public struct ImportProgress: Sendable {
    public var path: String
    public var bytesRead: Int
    public var expectedBytes: Int?
}
