import InvDBChecks

/// An exception: a check's result for one resource accepted on purpose until a date.
public struct Waiver: Sendable, Equatable {
    public var id: Int
    public var checkId: String
    public var resource: String
    public var reason: String
    public var owner: String
    /// Last day (UTC) the waiver applies.
    public var expiresOn: String
    public var createdAt: String

    /// Whether the waiver still applies on `day` (`YYYY-MM-DD`).
    public func isActive(on day: String) -> Bool { expiresOn >= day }
}

extension Waiver {
    /// The result the waiver covers, as the check runner looks it up.
    public var coveredResult: WaivedResult { WaivedResult(checkId: checkId, resource: resource) }
}
