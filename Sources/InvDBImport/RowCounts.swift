import InvDBCore
import InvDBDetect
import InvDBJSON
import InvDBStore

/// Rows stored per table while importing one file (or a whole run). Rows keyed by an identity
/// (an ARN, a key id) are counted once however often the input repeats them, so the summary says
/// what is stored, not how many times it was written.
public struct RowCounts: Sendable, Equatable {
    private var unkeyed: [String: Int] = [:]
    private var keyed: [String: Set<String>] = [:]

    public init() {}

    /// Counts `count` more rows stored in `table`.
    public mutating func add(_ table: String, _ count: Int = 1) {
        unkeyed[table, default: 0] += count
    }

    /// Counts the row of `table` whose identity is `key`, once.
    public mutating func add(_ table: String, key: String) {
        keyed[table, default: []].insert(key)
    }

    /// Adds every count of `other` (keyed rows are counted once over both).
    public mutating func merge(_ other: RowCounts) {
        for (table, count) in other.unkeyed { add(table, count) }
        for (table, keys) in other.keyed { keyed[table, default: []].formUnion(keys) }
    }

    /// Rows per table.
    public var byTable: [String: Int] {
        var counts = unkeyed
        for (table, keys) in keyed { counts[table, default: 0] += keys.count }
        return counts
    }

    /// The counts as a JSON object with sorted keys, for `imports.row_counts`.
    public var json: String {
        let counts = byTable
        return "{" + counts.keys.sorted().map { "\(jsonStringLiteral($0)):\(counts[$0]!)" }.joined(separator: ",") + "}"
    }
}
