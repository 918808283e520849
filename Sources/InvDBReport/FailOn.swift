import InvDBChecks
import InvDBCore

/// Which results make a scheduled run (`check`, `report`) exit non-zero: the one place this is
/// decided.
public enum FailOn: String, CaseIterable, Sendable {
    /// Results failing now that were not failing in the previous recorded run.
    case new
    /// Any alarm or error.
    case any
    /// Never.
    case none

    /// Whether a run with `summary` and `newFailures` (results failing now and not in the
    /// previous recorded run; nil when the run was not recorded) should exit non-zero.
    public func isFailing(_ summary: CheckRunSummary, newFailures: Int?) -> Bool {
        switch self {
        case .any: return summary.hasFindings
        case .new: return (newFailures ?? 0) > 0
        case .none: return false
        }
    }
}
