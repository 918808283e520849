import XCTest
@testable import InvDBCore
@testable import InvDBJSON
@testable import InvDBDetect
@testable import InvDBStore
@testable import InvDBImport
@testable import InvDBScan
@testable import InvDBChecks
@testable import InvDBRender
@testable import InvDBReport

final class RendererTests: XCTestCase {
    private let hostile = "a|b <script>alert(1)</script> `x`\nnext [link](http://e) *em* \u{1B}[31mred"

    private func result(reason: String = "fine", name: String = "web") -> BenchmarkResult {
        let check = try! CheckDefinition(id: "thing_holds", path: "x.sql", text: "-- title: Thing holds\n-- severity: high\n-- description: d\n-- remediation: aws ec2 fix\nSELECT 1;")
        let benchmark = Benchmark(testID: "cis-test", title: "Test benchmark", checks: [check])
        let rows = [
            CheckResultRow(resource: "i-1", status: .alarm, reason: reason, dimensions: [("account_id", .text("123456789012")), ("region", .text("us-east-1")), ("instance_name", .text(name))]),
            CheckResultRow(resource: "i-2", status: .ok, reason: "ok", dimensions: [("account_id", .text("123456789012")), ("region", .text("eu-west-1")), ("instance_name", .null)]),
        ]
        return BenchmarkResult(benchmark: benchmark, outcomes: [CheckOutcome(check: check, rows: rows)])
    }

    /// Feeds `result` through a renderer the way the check runner does, and returns its output.
    private func render(_ make: (MemorySink) -> any CheckResultConsumer, _ result: BenchmarkResult) -> String {
        let sink = MemorySink()
        let consumer = make(sink)
        do {
            let layouts = try result.outcomes.map { outcome in
                try CheckColumns(names: ["resource", "status", "reason"] + (outcome.rows.first?.dimensions.map(\.name) ?? []))
            }
            try consumer.begin(result.benchmark, columns: layouts)
            for (index, outcome) in result.outcomes.enumerated() {
                try consumer.beginCheck(outcome.check, index: index, columns: layouts[index])
                for row in outcome.rows {
                    let cells: [CellValue] = [.text(row.resource), .text((row.originalStatus ?? row.status).rawValue), .text(row.reason)]
                        + row.dimensions.map(\.value)
                    try consumer.row(ResultRow(cells), status: row.status, columns: layouts[index])
                }
                try consumer.endCheck(outcome.check, index: index, counts: outcome.counts)
            }
            try consumer.end(result.summary)
        } catch {
            XCTFail("\(error)")
        }
        return sink.string
    }

    /// Renders a plain table.
    private func render(_ make: (MemorySink) -> any TableResultConsumer, table: ResultTable) -> String {
        let sink = MemorySink()
        XCTAssertNoThrow(try make(sink).consume(table))
        return sink.string
    }

    func testMarkdownEscapesUntrustedText() {
        let text = render({ MarkdownRenderer(sink: $0) }, result(name: hostile))
        XCTAssertFalse(text.contains("<script>"))
        XCTAssertFalse(text.contains("a|b"))
        XCTAssertFalse(text.contains("`x`"))
        XCTAssertFalse(text.contains("[link](http"))
        XCTAssertFalse(text.contains("\u{1B}"))
        // Every table row has the same number of cell separators as its header.
        let tableLines = text.split(separator: "\n").filter { $0.hasPrefix("| status") || $0.hasPrefix("| alarm") || $0.hasPrefix("| ok") }
        let pipes = Set(tableLines.map { $0.filter { $0 == "|" }.count })
        XCTAssertEqual(pipes.count, 1, "\(tableLines)")
    }

    func testTableFitsEightyColumnsAndStripsControlCharacters() {
        let long = String(repeating: "word ", count: 60)
        let text = render({ TableRenderer(sink: $0, width: 80) }, result(reason: long, name: hostile))
        for line in text.split(separator: "\n") {
            XCTAssertLessThanOrEqual(line.count, 80, String(line))
        }
        XCTAssertFalse(text.contains("\u{1B}"))
        XCTAssertTrue(text.contains("2 results: 1 alarm, 1 ok"))
    }

    /// Issue 10: at 80 columns `ap-southeast-1` and `ap-southeast-2` both printed as
    /// `ap-southeast…`. Identifiers (resources, regions) are shown whole; names may be cut.
    func testTheTableNeverCutsAnIdentifier() {
        let check = try! CheckDefinition(id: "thing_holds", path: "x.sql", text: "-- title: Thing holds\n-- severity: high\n-- description: d\n-- remediation: r\nSELECT 1;")
        let arn = "arn:aws:iam::123456789012:instance-profile/a-rather-long-profile-name"
        let rows = ["ap-southeast-1", "ap-southeast-2"].map { region in
            CheckResultRow(resource: arn, status: .alarm, reason: "why", dimensions: [("region", .text(region)),
                                                                                       ("instance_name", .text(String(repeating: "n", count: 40)))])
        }
        let text = render({ TableRenderer(sink: $0, width: 80) }, BenchmarkResult(benchmark: Benchmark(testID: "b", title: "B", checks: [check]),
                                                                                  outcomes: [CheckOutcome(check: check, rows: rows)]))
        XCTAssertTrue(text.contains("ap-southeast-1") && text.contains("ap-southeast-2"), text)
        XCTAssertEqual(text.components(separatedBy: arn).count - 1, 2, text)
        XCTAssertTrue(text.contains(String(repeating: "n", count: 15) + "…"), "a name is free text and may be cut")
        // Plain tables (query, diff, runs): identifier columns keep their width, free text wraps.
        let table = ResultTable(columns: ["change", "check_id", "resource", "region", "reason"],
                                rows: [[.text("still failing"), .text("ec2_instance_applications_no_credentials"), .text(arn),
                                        .text("ap-southeast-2"), .text(String(repeating: "word ", count: 30))]])
        let plain = render({ TableRenderer(sink: $0, width: 80) }, table: table)
        for whole in ["still failing", "ec2_instance_applications_no_credentials", arn, "ap-southeast-2"] {
            XCTAssertTrue(plain.contains(whole), "\(whole) cut in:\n\(plain)")
        }
        XCTAssertEqual(plain.components(separatedBy: "word").count - 1, 30, "the reason wraps whole:\n\(plain)")
    }

    func testColourOnlyWhenAsked() {
        XCTAssertFalse(render({ TableRenderer(sink: $0, width: 80, color: false) }, result()).contains("\u{1B}["))
        XCTAssertTrue(render({ TableRenderer(sink: $0, width: 80, color: true) }, result()).contains("\u{1B}[31malarm"))
    }

    func testJSONIsCompleteAndParses() throws {
        let text = render({ JSONRenderer(sink: $0) }, result(name: hostile))
        let value = try JSONValue.parse(text)
        XCTAssertEqual(value["summary"]?["alarm"]?.testInt, 1)
        let results = value["checks"]?.elements.first?["results"]?.elements ?? []
        XCTAssertEqual(results.count, 2)
        XCTAssertEqual(results[0]["instance_name"]?.string, hostile)
        XCTAssertEqual(results[1]["instance_name"], .null)
        XCTAssertEqual(value["checks"]?.elements.first?["remediation"]?.string, "aws ec2 fix")
    }

    func testCSVQuotesAndKeepsEveryColumn() {
        let text = render({ CSVRenderer(sink: $0) }, result(reason: "a, \"b\"", name: "x\ny"))
        let lines = text.components(separatedBy: "\r\n")
        XCTAssertEqual(lines[0], "benchmark,check_id,check_title,severity,resource,status,reason,account_id,region,instance_name")
        XCTAssertTrue(lines[1].contains("\"a, \"\"b\"\"\""))
        XCTAssertTrue(text.contains("\"x\ny\""))
    }

    /// Output larger than a flush (1 MB) reaches the sink whole, each row once and in order
    /// (a sink that kept the flushed buffer instead of copying it lost rows).
    func testOutputLargerThanAFlushArrivesWhole() {
        let rows = (0..<40_000).map { [CellValue.integer(Int64($0)), .text(String(repeating: "x", count: 40))] }
        let text = render({ CSVRenderer(sink: $0) }, table: ResultTable(columns: ["n", "s"], rows: rows))
        let lines = text.components(separatedBy: "\r\n")
        XCTAssertEqual(lines.count, 40_002, "header, rows, and the empty piece after the last line break")
        XCTAssertEqual(lines[1], "0," + String(repeating: "x", count: 40))
        XCTAssertEqual(lines[40_000], "39999," + String(repeating: "x", count: 40))
        let expectedBytes = (0..<40_000).reduce(5) { total, n in total + String(n).utf8.count + 43 }
        XCTAssertEqual(text.utf8.count, expectedBytes)
    }

    func testQueryTableRendering() {
        let table = ResultTable(columns: ["n", "s"], rows: [[.integer(1), .text("x")], [.null, .real(2.5)]])
        XCTAssertEqual(try JSONValue.parse(render({ JSONRenderer(sink: $0) }, table: table)).elements.count, 2)
        XCTAssertEqual(render({ CSVRenderer(sink: $0) }, table: table), "n,s\r\n1,x\r\n,2.5\r\n")
        XCTAssertTrue(render({ TableRenderer(sink: $0, width: 80) }, table: table).hasSuffix("(2 rows)\n"))
        XCTAssertEqual(render({ MarkdownRenderer(sink: $0) }, table: table).split(separator: "\n").count, 4)
    }

    /// Values from AWS cannot run formulas, hide text, create links or ping people (issue 7).
    func testNoFormatPassesFormulasBidiC1LinksOrMentions() {
        let evil = "=HYPERLINK(\"http://evil.example\") \u{202E}gnp.exe \u{9B}31m @team see www.evil.example \u{1B}[2J"
        let csv = render({ CSVRenderer(sink: $0) }, result(reason: evil, name: "-1+2"))
        XCTAssertTrue(csv.contains("\"'=HYPERLINK("), csv)
        XCTAssertTrue(csv.contains("\"'-1+2\""), csv)
        for forbidden in ["\u{202E}", "\u{9B}", "\u{1B}"] {
            XCTAssertFalse(csv.contains(forbidden), "CSV passes \(forbidden.unicodeScalars.first!.value)")
        }
        let markdown = render({ MarkdownRenderer(sink: $0) }, result(reason: evil))
        for forbidden in ["\u{202E}", "\u{9B}", "\u{1B}", "@team", "http://", "www.evil"] {
            XCTAssertFalse(markdown.contains(forbidden), "Markdown passes \(forbidden)")
        }
        let json = render({ JSONRenderer(sink: $0) }, result(reason: evil))
        XCTAssertTrue(json.contains("\\u202e") && json.contains("\\u009b"), json)
        XCTAssertFalse(json.contains("\u{202E}") || json.contains("\u{9B}"), json)
        XCTAssertEqual(try JSONValue.parse(json)["checks"]?.elements.first?["results"]?.elements.first?["reason"]?.string, evil,
                       "JSON escapes are lossless")
        let table = render({ TableRenderer(sink: $0, width: 200) }, result(reason: evil))
        XCTAssertFalse(table.contains("\u{202E}") || table.contains("\u{9B}") || table.contains("\u{1B}"), table)
        // Numbers stay numbers in CSV.
        var out = OutputBytes()
        var minus = "-5"
        minus.withUTF8 { out.appendCSV($0, isNumber: true) }
        XCTAssertEqual(out.string, "-5")
    }
    /// A check's REAL column that SQLite writes as `Inf` (9e999) is `null` in the JSON output:
    /// the output stays JSON whatever a shared `.sql` file returns.
    func testInfiniteNumbersFromAChecksSQLAreNullInJSON() throws {
        let database = try TestSupport.database()
        let check = try CheckDefinition(id: "numbers", path: "Tests/checks/numbers.sql", text: """
            -- title: numbers
            -- severity: low
            -- description: d
            -- remediation: aws ec2 describe-instances
            SELECT 'r' AS resource, 'ok' AS status, 'fine' AS reason, 9e999 AS big, -9e999 AS small, 1.5 AS plain, 2 AS whole;
            """)
        let sink = MemorySink()
        try CheckRunner(database: database).run(Benchmark(testID: "numbers", title: "numbers", checks: [check]), into: JSONRenderer(sink: sink))
        let row = try JSONValue.parse(sink.string)["checks"]?.elements.first?["results"]?.elements.first
        XCTAssertEqual(row?["big"], .null)
        XCTAssertEqual(row?["small"], .null)
        XCTAssertEqual(row?["plain"]?.minifiedJSON, "1.5")
        XCTAssertEqual(row?["whole"]?.testInt, 2)
    }
}
