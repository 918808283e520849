import Glibc

/// The status a check gives a resource (the Steampipe vocabulary), plus `waived`.
public enum CheckStatus: String, CaseIterable, Sendable, Comparable, Codable {
    case ok, alarm, skip, info, error
    /// Not a status a check returns: an alarm or error covered by an unexpired waiver.
    case waived

    /// Order for summaries: the problems first.
    public var rank: Int {
        switch self {
        case .alarm: return 0
        case .error: return 1
        case .waived: return 2
        case .info: return 3
        case .ok: return 4
        case .skip: return 5
        }
    }

    public static func < (lhs: CheckStatus, rhs: CheckStatus) -> Bool { lhs.rank < rhs.rank }

    /// Whether the status means something needs fixing (drives exit code 1).
    public var isFinding: Bool { self == .alarm || self == .error }

    /// The status named by UTF-8 bytes (a check's `status` column). Compared as bytes: it runs
    /// once per result row.
    public init?(bytes: UnsafeBufferPointer<UInt8>) {
        func named(_ name: StaticString) -> Bool {
            name.utf8CodeUnitCount == bytes.count && memcmp(name.utf8Start, bytes.baseAddress!, bytes.count) == 0
        }
        guard bytes.count >= 2 else { return nil }
        if named("ok") { self = .ok } else if named("alarm") { self = .alarm } else if named("info") { self = .info }
        else if named("skip") { self = .skip } else if named("error") { self = .error } else if named("waived") { self = .waived }
        else { return nil }
    }
}

/// Status counts of one check or a whole run.
public typealias StatusCounts = [CheckStatus: Int]
