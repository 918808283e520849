/// One result row, its cells kept as bytes in one reusable buffer: filled from SQLite's column
/// bytes (or from strings, for rows read back from history), read by the renderers.
public struct ResultRow {
    public enum Kind: UInt8, Sendable { case null, integer, real, text }

    /// The cells' bytes, back to back; a class so that refilling it per row never reallocates.
    final class Storage {
        var base = UnsafeMutablePointer<UInt8>.allocate(capacity: 4096)
        var capacity = 4096
        var count = 0

        deinit { base.deallocate() }

        func append(_ cell: UnsafeBufferPointer<UInt8>) {
            if count + cell.count > capacity {
                let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: max(capacity * 2, count + cell.count))
                bigger.update(from: base, count: count)
                base.deallocate()
                base = bigger
                capacity = max(capacity * 2, count + cell.count)
            }
            if let source = cell.baseAddress, cell.count > 0 { (base + count).update(from: source, count: cell.count) }
            count += cell.count
        }
    }

    private var storage = Storage()
    private var bounds: [Range<Int>] = []
    public private(set) var kinds: [Kind] = []

    public init() {
        bounds.reserveCapacity(16)
        kinds.reserveCapacity(16)
    }

    /// A row made of values (for rows read back from history, and tests).
    public init(_ cells: [CellValue]) {
        self.init()
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
        if !isKnownUniquelyReferenced(&storage) { storage = Storage() }
        storage.count = 0
        bounds.removeAll(keepingCapacity: true)
        kinds.removeAll(keepingCapacity: true)
    }

    public mutating func append(kind: Kind, bytes cell: UnsafeBufferPointer<UInt8>) {
        let start = storage.count
        storage.append(cell)
        bounds.append(start..<storage.count)
        kinds.append(kind)
    }

    public mutating func append(kind: Kind, text: String) {
        var copy = text
        copy.withUTF8 { append(kind: kind, bytes: $0) }
    }

    /// Calls `body` with the bytes of cell `index` (empty for NULL).
    public func withCell<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let range = bounds[index]
        return try body(UnsafeBufferPointer(start: storage.base + range.lowerBound, count: range.count))
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
