/// Where a check's result columns are: `resource`, `status`, `reason`, then dimensions.
public struct CheckColumns: Sendable {
    public var names: [String]
    public var resource: Int
    public var status: Int
    public var reason: Int
    /// Indices of the other columns, in query order.
    public var dimensions: [Int]

    /// Finds the required columns in `names`, or nil naming the first missing one.
    public init(names: [String]) throws {
        self.names = names
        func index(_ name: String) throws -> Int {
            guard let found = names.firstIndex(of: name) else {
                throw CommandFailure("the check must return a '\(name)' column (it returns \(names.joined(separator: ", ")))")
            }
            return found
        }
        resource = try index("resource")
        status = try index("status")
        reason = try index("reason")
        let fixed = [resource, status, reason]
        dimensions = names.indices.filter { !fixed.contains($0) }
    }

    /// The index of dimension `name`, if the check returns it.
    public func dimension(_ name: String) -> Int? {
        dimensions.first { names[$0] == name }
    }
}
