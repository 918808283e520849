import Foundation

/// RFC 4180 CSV with a header row; checks are flattened to one row per result. Values are
/// written as they are (a spreadsheet user should import rather than open untrusted CSV).
public struct CSVRenderer: OutputRenderer {
    public init() {}

    public func render(table: ResultTable) -> String {
        var lines = [table.columns.map(Self.field).joined(separator: ",")]
        lines += table.rows.map { $0.map { Self.field($0.text) }.joined(separator: ",") }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    public func render(benchmark: BenchmarkResult) -> String {
        render(table: benchmark.flatTable)
    }

    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
