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

    /// The status named by UTF-8 bytes (a check's `status` column).
    public init?(bytes: UnsafeBufferPointer<UInt8>) {
        self.init(rawValue: String(decoding: bytes, as: UTF8.self))
    }
}

/// Status counts of one check or a whole run.
public typealias StatusCounts = [CheckStatus: Int]
