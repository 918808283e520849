/// A value from an SQLite result column, as the renderers need it.
public enum CellValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    /// Plain text for tables and CSV (`NULL` shows as empty).
    public var text: String {
        switch self {
        case .null: return ""
        case .integer(let number): return String(number)
        case .real(let number): return String(number)
        case .text(let string): return string
        }
    }
}
