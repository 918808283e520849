/// One result row, its cells kept as bytes in one reusable buffer: filled from SQLite's column
/// bytes (or from strings, for rows read back from history), read by the renderers.
public struct ResultRow {
    public enum Kind: UInt8 { case null, integer, real, text }

    public private(set) var bytes: [UInt8] = []
    private var bounds: [Range<Int>] = []
    public private(set) var kinds: [Kind] = []

    public init() {}

    /// A row made of strings (nil for NULL).
    public init(_ cells: [CellValue]) {
        for cell in cells {
            switch cell {
            case .null: append(kind: .null, text: "")
            case .integer(let number): append(kind: .integer, text: String(number))
            case .real(let number): append(kind: .real, text: String(number))
            case .text(let text): append(kind: .text, text: text)
            }
        }
    }

    public var count: Int { kinds.count }

    public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        bounds.removeAll(keepingCapacity: true)
        kinds.removeAll(keepingCapacity: true)
    }

    public mutating func append(kind: Kind, bytes cell: UnsafeBufferPointer<UInt8>) {
        let start = bytes.count
        bytes.append(contentsOf: cell)
        bounds.append(start..<bytes.count)
        kinds.append(kind)
    }

    public mutating func append(kind: Kind, text: String) {
        let start = bytes.count
        bytes.append(contentsOf: text.utf8)
        bounds.append(start..<bytes.count)
        kinds.append(kind)
    }

    /// Calls `body` with the bytes of cell `index` (empty for NULL).
    public func withCell<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[bounds[index]])) }
    }

    /// Cell `index` as a string (empty for NULL).
    public func string(_ index: Int) -> String {
        withCell(index) { String(decoding: $0, as: UTF8.self) }
    }

    /// Cell `index` as a value.
    public func value(_ index: Int) -> CellValue {
        switch kinds[index] {
        case .null: return .null
        case .integer: return .integer(Int64(string(index)) ?? 0)
        case .real: return .real(Double(string(index)) ?? 0)
        case .text: return .text(string(index))
        }
    }
}

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
                throw UsageError("the check must return a '\(name)' column (it returns \(names.joined(separator: ", ")))")
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
