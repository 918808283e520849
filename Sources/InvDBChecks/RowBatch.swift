import InvDBCore
import InvDBStore

/// Result rows of one check in a compact form, handed from the thread that steps its SQL to
/// the thread that feeds the consumers: every cell's bytes back to back, and each cell's end
/// and kind. A batch holds up to `RowBatch.capacity` bytes, so a check that returns a million
/// rows travels in bounded pieces.
struct RowBatch: Sendable {
    /// About how many bytes a batch holds before it is handed over.
    static let capacity = 256 << 10

    let columnCount: Int
    private(set) var bytes: [UInt8] = []
    private(set) var cellEnds: [Int] = []
    private(set) var kinds: [ResultRow.Kind] = []
    private(set) var statuses: [CheckStatus] = []

    init(columnCount: Int) {
        self.columnCount = columnCount
        bytes.reserveCapacity(Self.capacity + 4096)
    }

    var rowCount: Int { statuses.count }
    var isFull: Bool { bytes.count >= Self.capacity }

    mutating func appendCell(_ kind: ResultRow.Kind, _ cell: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: cell)
        cellEnds.append(bytes.count)
        kinds.append(kind)
    }

    mutating func endRow(status: CheckStatus) {
        statuses.append(status)
    }

    /// Loads row `index` into `row` (its buffer is reused).
    func load(_ index: Int, into row: inout ResultRow) {
        row.reset()
        bytes.withUnsafeBufferPointer { all in
            for cell in index * columnCount..<(index + 1) * columnCount {
                let start = cell == 0 ? 0 : cellEnds[cell - 1]
                row.append(kind: kinds[cell], bytes: UnsafeBufferPointer(rebasing: all[start..<cellEnds[cell]]))
            }
        }
    }
}
