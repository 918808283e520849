import Foundation
import Glibc
import GRDB
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

/// Issue 7: input an attacker (or an unlucky operator) wrote. Each test failed on the code
/// before the fix it guards; the fixtures are in Tests/Fixtures/hostile (make-hostile.py).
final class HostileInputTests: XCTestCase {
    private func hostile(_ name: String) -> String { TestSupport.path("Tests/Fixtures/hostile/\(name)") }

    private var plantedSecrets: [String: String] {
        get throws {
            let data = try Data(contentsOf: URL(fileURLWithPath: hostile("secrets.json")))
            return try JSONValue.parse(String(decoding: data, as: UTF8.self))["secrets"]!.members.reduce(into: [:]) { $0[$1.key] = $1.value.string }
        }
    }

    /// Imports `paths` into a database that already holds the samples; asserts the import
    /// failed with a message containing `expected` and changed nothing.
    private func assertRefused(_ paths: [String], _ expected: String, file: StaticString = #filePath, line: UInt = #line) throws -> InputError? {
        let database = try TestSupport.samplesDatabase()
        let before = try TestSupport.contents(of: database)
        var caught: InputError?
        XCTAssertThrowsError(try TestSupport.importPaths(paths, into: database), file: file, line: line) { error in
            caught = error as? InputError
            XCTAssertTrue("\(error)".contains(expected), "\(error)", file: file, line: line)
        }
        XCTAssertEqual(try TestSupport.contents(of: database), before, "the database is unchanged", file: file, line: line)
        return caught
    }

    // MARK: - Crashes and denial of service

    func testAnIntegerOutsideInt64IsAnErrorWithItsPlace() throws {
        let error = try assertRefused([hostile("device-index-int64-min.json")], "DeviceIndex is out of range")
        XCTAssertEqual(error?.line, 8)
        XCTAssertEqual(error?.column, 17)
        _ = try assertRefused([hostile("gitleaks-26-digit-line.json")], "StartLine is out of range")
    }

    func testIntegersAreNeverWrapped() throws {
        XCTAssertNil(JSONTape.parseInteger("9223372036854775808".utf8))
        XCTAssertEqual(JSONTape.parseInteger("-9223372036854775808".utf8), Int.min)
        XCTAssertNil(JSONTape.parseInteger("-9223372036854775809".utf8))
        XCTAssertThrowsError(try JSONValue.number("1e3").integer(in: 0...Int(Int32.max)))
        XCTAssertThrowsError(try JSONValue.number("4294967296").integer(in: 0...Int(Int32.max)))
    }

    func testAYAMLAliasBombMakesTheInstanceErrorQuickly() throws {
        let database = try TestSupport.database()
        try TestSupport.importPaths([hostile("user-data-yaml-alias-bomb.json")], into: database)
        let row = try TestSupport.strings(database, "SELECT status || ': ' || detail FROM credential_sources WHERE source_kind = 'user-data'")
        XCTAssertEqual(row.count, 1)
        XCTAssertTrue(row[0].hasPrefix("error: "), row[0])
        XCTAssertTrue(row[0].contains("alias"), row[0])
    }

    func testRepeatedlyGzippedMIMEPartsRunIntoTheBudget() throws {
        let database = try TestSupport.database()
        try TestSupport.importPaths([hostile("user-data-gzip-mime-bomb.json")], into: database)
        let row = try TestSupport.strings(database, "SELECT status || ': ' || detail FROM credential_sources WHERE source_kind = 'user-data'")
        XCTAssertTrue(row.first?.hasPrefix("error: ") ?? false, "\(row)")
        XCTAssertTrue(row.first?.contains("decompression bomb") ?? false, "\(row)")
    }

    func testTheDecodingBudgetCountsEveryLayer() {
        var budget = UserDataBudget()
        budget.decodedBytes = 1000
        let big = Data(repeating: UInt8(ascii: "A"), count: 5000).base64EncodedString()
        let decoding = UserDataDecoder.decode(apiValue: Data(big.utf8).base64EncodedString(), budget: budget)
        XCTAssertEqual(decoding.errors.count, 1, "base64 inside base64 past the budget is not decoded in silence")
        XCTAssertTrue(decoding.errors.first?.hasPrefix("user-data: decoding stopped after") ?? false, "\(decoding.errors)")
        XCTAssertEqual(decoding.documents.count, 0, "nothing past the budget is handed on as text")
    }

    func testCloudConfigErrorsHoldAPositionButNoText() throws {
        let secrets = try plantedSecrets
        let database = try TestSupport.database()
        try TestSupport.importPaths([hostile("user-data-invalid-cloud-config.json")], into: database)
        let detail = try TestSupport.strings(database, "SELECT detail FROM credential_sources WHERE source_kind = 'user-data'").joined()
        XCTAssertTrue(detail.contains("line 5"), detail)
        XCTAssertFalse(detail.contains("aws_secret_access_key"), detail)
        try assertNoPiece(of: [secrets["invalid-cloud-config"]!], inDatabase: database)
    }

    func testTheCloudConfigReaderReadsWriteFilesAndRefusesBombs() throws {
        let files = try CloudConfig.writeFiles("#cloud-config\nwrite_files:\n  - path: /etc/a\n    content: &c hello\n  - path: /etc/b\n    content: *c\n    encoding: b64\n")
        XCTAssertEqual(files, [.init(path: "/etc/a", content: "hello", encoding: nil), .init(path: "/etc/b", content: "hello", encoding: "b64")])
        XCTAssertThrowsError(try CloudConfig.writeFiles("write_files: [" + String(repeating: "[", count: 100) + "]"))
        XCTAssertThrowsError(try CloudConfig.writeFiles("write_files: 5")) { error in
            XCTAssertEqual((error as? CloudConfig.Problem)?.message, "write_files should be a list")
        }
    }

    func testSQLThatInvdbDidNotWriteCanOnlyRead() throws {
        let database = try TestSupport.samplesDatabase()
        let reader = try database.untrustedConnection()
        XCTAssertFalse(reader.fts3TokenizerEnabled)
        for sql in ["SELECT fts3_tokenizer('simple', x'0000000000000000')", "DELETE FROM ec2_instances", "ATTACH 'x.db' AS x",
                    "PRAGMA writable_schema = 1", "SELECT load_extension('x')", "CREATE TEMP TABLE t(x)", "PRAGMA journal_mode = DELETE"] {
            XCTAssertThrowsError(try QueryRunner.table(sql: sql, database: database), sql) { error in
                XCTAssertTrue("\(error)".contains("not authorized") || "\(error)".contains("no such function"), "\(sql): \(error)")
            }
        }
        XCTAssertEqual(try QueryRunner.table(sql: "PRAGMA table_info(ec2_instances)", database: database).rows.count, 30)
        XCTAssertEqual(try QueryRunner.table(sql: "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3) SELECT count(*) FROM n",
                                           database: database).rows, [[.integer(3)]])
    }

    func testACheckThatWritesIsRefusedBeforeAnyOutput() throws {
        let database = try TestSupport.database()
        let check = try CheckDefinition(id: "evil", path: "evil.sql", text: """
            -- title: t
            -- severity: low
            -- description: d
            -- remediation: r
            DELETE FROM ec2_instances RETURNING instance_id AS resource, 'ok' AS status, '' AS reason;
            """)
        let sink = MemorySink()
        XCTAssertThrowsError(try CheckRunner(database: database).run(Benchmark(testID: "b", title: "b", checks: [check]), into: CSVRenderer(sink: sink))) { error in
            XCTAssertTrue("\(error)".contains("not authorized"), "\(error)")
        }
        XCTAssertEqual(sink.bytes.count, 0, "nothing is written before every check is validated")
    }

    // MARK: - Secrets

    /// A 16-byte window, as two integers (fast to hash).
    private struct Piece: Hashable {
        var low: UInt64
        var high: UInt64

        init(_ bytes: UnsafeRawBufferPointer) {
            low = bytes.loadUnaligned(as: UInt64.self)
            high = bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        }
    }

    /// Every 16-character piece of each secret.
    private func pieces(_ secrets: [String]) -> Set<Piece> {
        var set: Set<Piece> = []
        for secret in secrets {
            let bytes = Array(secret.utf8)
            bytes.withUnsafeBytes { raw in
                for start in 0...(bytes.count - 16) { set.insert(Piece(UnsafeRawBufferPointer(rebasing: raw[start..<start + 16]))) }
            }
        }
        return set
    }

    /// True when some 16-byte window of `data` is a piece of a secret.
    private func leaks(_ data: Data, _ pieces: Set<Piece>) -> Bool {
        guard data.count >= 16 else { return false }
        return data.withUnsafeBytes { raw in
            (0...(raw.count - 16)).contains { pieces.contains(Piece(UnsafeRawBufferPointer(rebasing: raw[$0..<$0 + 16]))) }
        }
    }

    /// Fails when a piece of a secret is in the database file, its WAL or journal.
    private func assertNoPiece(of secrets: [String], inDatabase database: InvDatabase, file: StaticString = #filePath, line: UInt = #line) throws {
        let set = pieces(secrets)
        for suffix in ["", "-wal", "-journal", "-shm"] {
            guard let data = FileManager.default.contents(atPath: database.path + suffix) else { continue }
            if leaks(data, set) { XCTFail("a piece of a secret is in \(database.path + suffix)", file: file, line: line) }
        }
    }

    private func assertNoPiece(of secrets: [String], in text: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        if leaks(Data(text.utf8), pieces(secrets)) { XCTFail("a piece of a secret is in \(what)", file: file, line: line) }
    }

    func testSecretsInAnyInstanceFieldAreRedactedBeforeStorageEvenBehindEscapes() throws {
        let secrets = try plantedSecrets
        let database = try TestSupport.database()
        let summary = try TestSupport.importPaths([hostile("secrets-in-instance-fields.json")], into: database)
        try assertNoPiece(of: Array(secrets.values), inDatabase: database)
        let findings = try TestSupport.strings(database, "SELECT document FROM credential_findings ORDER BY document")
        XCTAssertEqual(findings, ["field:KeyName", "field:StateTransitionReason", "tag:(tag key)", "tag:AWS_SECRET_ACCESS_KEY", "tag:deploy"])
        XCTAssertTrue(summary.warnings.contains { $0.contains("redacted") })
        for warning in summary.warnings { assertNoPiece(of: Array(secrets.values), in: warning, "a warning") }
        let raw = try TestSupport.strings(database, "SELECT raw_json FROM ec2_instances WHERE instance_id = 'i-74ec2d1b23f05857d'").joined()
        XCTAssertTrue(raw.contains("[redacted "), raw)
    }

    /// Plants a distinct fake secret in every string value of every JSON input kind, in three
    /// forms (with its name, bare, and every character a JSON escape), and proves that no
    /// 16-character piece reaches the database, its log, any output format or report.
    func testNoPlantedSecretReachesTheDatabaseOrAnyOutput() throws {
        let inputs = [
            "Samples/aws/us-east-1/describe-instances.json", "Samples/aws/us-east-1/describe-iam-instance-profile-associations.json",
            "Samples/aws/iam/list-instance-profiles.json", "Samples/aws/iam/get-instance-profile-app-profile.json",
            "Samples/aws/iam/list-roles.json", "Samples/aws/iam/get-account-authorization-details.json",
            "Samples/aws/sts/get-caller-identity.json", "Tests/Fixtures/credentials/iam/list-users.json",
            "Tests/Fixtures/credentials/iam/list-access-keys-deploy-bot.json", "Tests/Fixtures/credentials/scanner-reports/gitleaks.json",
            "Tests/Fixtures/credentials/scanner-reports/kingfisher.json", "Tests/Fixtures/credentials/scanner-reports/detect-secrets-baseline.json",
            "Samples/credentials/aws/iam/get-credential-report.json",
        ]
        let linesInputs = ["Tests/Fixtures/credentials/scanner-reports/trufflehog3.jsonl", "Tests/Fixtures/credentials/scanner-reports/trufflehog2.jsonl",
                           "Tests/Fixtures/credentials/user-data.jsonl"]
        // Values whose form the import checks (ids it validates, base64 it decodes): a secret
        // there makes the file an error, so nothing of it is stored; they are left as they are.
        let untouched: Set<String> = ["Content", "Value", "InstanceId", "hashed_secret", "RawV2", "Raw", "Secret", "Match", "snippet",
                                      "stringsFound", "diff", "printDiff", "ReportFormat", "AWS_SECRET_ACCESS_KEY", "AKID", "validate_command",
                                      "blast_radius_command", "State", "Status", "Effect", "Action", "Service", "Version"]
        var generator = SystemRandomNumberGenerator()
        var planted: [String] = []
        func secret() -> String {
            let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
            var value = ""
            repeat {
                value = String((0..<40).map { _ in alphabet[Int.random(in: 0..<64, using: &generator)] })
            } while !(value.contains { $0.isNumber } && value.contains { $0.isUppercase } && value.contains { $0.isLowercase } && value.contains("/"))
            planted.append(value)
            return value
        }
        let folder = try TestSupport.temporaryDirectory()
        var files: [String] = []
        for (index, form) in ["named", "bare", "escaped"].enumerated() {
            func plant(_ value: JSONValue, member: String?) -> JSONValue {
                switch value {
                case .string(let text) where !(member.map(untouched.contains) ?? false):
                    let planted = secret()
                    switch form {
                    case "named": return .string(text + " aws_secret_access_key=" + planted)
                    case "bare": return .string(text + " " + planted)
                    default: return .string(text + " secret: \u{1}ESC" + planted + "\u{1}")
                    }
                case .array(let items): return .array(items.map { plant($0, member: member) })
                case .object(let members):
                    return .object(members.map { JSONMember(key: $0.key, value: plant($0.value, member: $0.key)) })
                default: return value
                }
            }
            /// JSON text in which the third form's secrets are written as \u escapes.
            func text(_ value: JSONValue) -> String {
                var json = value.minifiedJSON
                while let start = json.range(of: "\\u0001ESC") {
                    let end = json.range(of: "\\u0001", range: start.upperBound..<json.endIndex)!
                    let body = json[start.upperBound..<end.lowerBound]
                    json.replaceSubrange(start.lowerBound..<end.upperBound, with: body.map { $0 == "/" ? "\\/" : String(format: "\\u%04x", $0.unicodeScalars.first!.value) }.joined())
                }
                return json
            }
            for (number, input) in (inputs + linesInputs).enumerated() {
                let source = try String(contentsOfFile: TestSupport.path(input), encoding: .utf8)
                let documents = linesInputs.contains(input) ? source.split(separator: "\n").map(String.init) : [source]
                let out = documents.map { document in text(plant(try! JSONValue.parse(document), member: nil)) }.joined(separator: "\n")
                let name = "hosts-\(index)-\(number)-" + (input as NSString).lastPathComponent
                let path = folder.appendingPathComponent(name).path
                try Data(out.utf8).write(to: URL(fileURLWithPath: path))
                files.append(path)
            }
        }
        let database = try TestSupport.database()
        var options = ImportOptions()
        options.instance = "i-0123456789abcdef0"
        options.now = { Date(timeIntervalSince1970: 1_790_000_000) }
        let summary = try Importer(database: database, options: options).run(paths: files)
        XCTAssertEqual(summary.failures.count, 0, "\(summary.failures.map(\.description))")
        XCTAssertEqual(summary.outcomes.count, files.count)
        try assertNoPiece(of: planted, inDatabase: database)
        for warning in summary.warnings { assertNoPiece(of: planted, in: warning, "a warning") }
        assertNoPiece(of: planted, in: ImportSummaryText.render(summary, seconds: 0, database: database.path), "the import summary")
        let benchmark = try BenchmarkCatalog(directory: TestSupport.root.appendingPathComponent("Queries")).resolve("cis-1.18")
        for format in OutputFormat.allCases {
            let sink = MemorySink()
            try CheckRunner(database: database).run(benchmark, into: format.renderer(sink: sink))
            assertNoPiece(of: planted, in: sink.string, "the \(format) output")
        }
        let reports = try TestSupport.temporaryDirectory().path
        _ = try ReportBuilder(database: database).run(benchmark, now: Date(timeIntervalSince1970: 1_790_000_000), writingTo: reports)
        for name in try FileManager.default.contentsOfDirectory(atPath: reports) {
            assertNoPiece(of: planted, in: try String(contentsOfFile: reports + "/" + name, encoding: .utf8), name)
        }
        try assertNoPiece(of: planted, inDatabase: database)
        // Three forms of each of the 1,119 string values outside `untouched` in the inputs
        // (counted in the files with Python's json module, member by member, as `plant` walks them).
        XCTAssertEqual(planted.count, 3 * 1_119)
    }

    func testSafeTextQuotesNoControlCharactersNoSecretAndNoMoreThanItsBound() {
        let secret = "kQ8Lr3nVx0Zw4Yp2Tb7Hs1Gd6Fj9Mc5Aa/Bb+Cc1"
        XCTAssertEqual(SafeText.quote("a\u{1B}]0;title\u{07}b\u{202E}c\u{9B}d"), "a?]0;title?b?c?d")
        XCTAssertEqual(SafeText.quote(String(repeating: "y", count: 100), limit: 10), "yyyyyyyyy…")
        XCTAssertEqual(SafeText.quote("x " + secret + " y"), "x [redacted] y")
    }

    // MARK: - False passes

    func testAScanOnlyReplacesTheInstancesItScanned() throws {
        let root = try TestSupport.temporaryDirectory()
        let a = "i-0aaaaaaaaaaaaaaa1", b = "i-0bbbbbbbbbbbbbbb2"
        func write(_ relative: String, _ text: String) throws {
            let url = root.appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        try write("one/\(b)/root/.aws/credentials", "[default]\naws_access_key_id = AKIAJLRZ7JVHC3W327DG\n")
        try write("two/\(a)/tmp/\(b).txt", "nothing here\n")
        let database = try TestSupport.database()
        _ = try HostScanner(database: database, options: .init()).run(paths: [root.appendingPathComponent("one").path])
        XCTAssertEqual(try TestSupport.int(database, "SELECT count(*) FROM credential_findings WHERE instance_id = ?", [b]), 1)
        // A's tree holds a file named after B: it is A's file, and B's findings stay.
        _ = try HostScanner(database: database, options: .init()).run(paths: [root.appendingPathComponent("two").path])
        XCTAssertEqual(try TestSupport.int(database, "SELECT count(*) FROM credential_findings WHERE instance_id = ?", [b]), 1)
        XCTAssertEqual(try TestSupport.strings(database, "SELECT DISTINCT instance_id FROM credential_sources WHERE location LIKE '%/tmp/\(b).txt'"), [a])
    }

    func testAnUnreadableFolderMakesTheInstanceNotFullyScanned() throws {
        let root = try TestSupport.temporaryDirectory()
        let instance = "i-0ccccccccccccccc3"
        let hidden = root.appendingPathComponent("\(instance)/root")
        try FileManager.default.createDirectory(at: hidden, withIntermediateDirectories: true)
        try Data("echo hi\n".utf8).write(to: root.appendingPathComponent("\(instance)/run.sh"))
        let saved = FileTree.openDirectory
        FileTree.openDirectory = { path in
            if path.hasSuffix("/root") { errno = EACCES; return nil }
            return opendir(path)
        }
        defer { FileTree.openDirectory = saved }
        let database = try TestSupport.database()
        let summary = try HostScanner(database: database, options: .init()).run(paths: [root.path])
        XCTAssertTrue(summary.skipped.contains { $0.path.hasSuffix("/root") && $0.reason.contains("not fully scanned") }, "\(summary.skipped)")
        XCTAssertEqual(try TestSupport.strings(database, "SELECT status FROM credential_sources WHERE location LIKE '%/root'"), ["error"])
        XCTAssertThrowsError(try TestSupport.importPaths([root.path], into: database)) { error in
            XCTAssertTrue("\(error)".contains("cannot be read"), "\(error)")
        }
    }

    func testSymbolicLinksAreNotFollowedOutOfTheTree() throws {
        let root = try TestSupport.temporaryDirectory()
        let instance = "i-0ddddddddddddddd4"
        let outside = try TestSupport.file(named: "operator-credentials", "[default]\naws_access_key_id = AKIAEQP6KUPXMZV5POVP\naws_secret_access_key = 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\n")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("\(instance)/.aws"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("\(instance)/.aws/credentials").path, withDestinationPath: outside)
        let database = try TestSupport.database()
        let summary = try HostScanner(database: database, options: .init()).run(paths: [root.path])
        XCTAssertEqual(summary.findings, 0, "the operator's own credentials were read through a planted link")
        XCTAssertEqual(try TestSupport.strings(database, "SELECT status || ': ' || detail FROM credential_sources"), ["not-read: a symbolic link, not followed"])
    }

    func testWrongTypesInAKnownKindAreErrorsNamingTheField() throws {
        _ = try assertRefused([hostile("user-data-value-array.json")], "Value should be a string, found array")
        _ = try assertRefused([hostile("reservation-without-instances.json")], "has no Instances")
        _ = try assertRefused([hostile("instance-type-number.json")], "InstanceType should be a string, found number")
        _ = try assertRefused([hostile("credential-report-truncated.json")], "truncated")
    }

    // MARK: - Dates

    func testDatesAreStrictAndZonesAreHonoured() {
        XCTAssertNil(Clock.parse("2027-02-31"))
        XCTAssertNil(Clock.parse("2026-11-25T06:00:00"), "a time without a zone is ambiguous")
        XCTAssertNil(Clock.parse("２０２６-11-25"))
        XCTAssertNil(Clock.parse("2026-11-25T24:00:00Z"))
        XCTAssertEqual(Clock.parse("2026-11-25T08:00:00+02:00"), Clock.parse("2026-11-25T06:00:00Z"))
        XCTAssertEqual(Clock.parse("2026-11-25T06:00:00.123Z"), Clock.parse("2026-11-25T06:00:00Z"))
        XCTAssertThrowsError(try Clock.validateEnvironment(["INVDB_NOW": "yesterday"])) { XCTAssertTrue($0 is UsageError) }
        XCTAssertFalse(AWSAccount.isValid("１２３４５６７８９０１２"))
        XCTAssertTrue(AWSAccount.isValid("123456789012"))
    }
}
