/// A plain result: column names and rows (for `invdb query` and `invdb tables`).
public struct ResultTable: Sendable, Equatable {
    public var columns: [String]
    public var rows: [[CellValue]]

    public init(columns: [String], rows: [[CellValue]]) {
        self.columns = columns
        self.rows = rows
    }
}
