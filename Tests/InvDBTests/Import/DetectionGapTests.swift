import Foundation
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

/// Issue 8, detection gaps: credentials written from an embedded base64 blob, keys passed on a
/// process's command line, and keys compiled into a binary.
final class DetectionGapTests: XCTestCase {
    private let keyId = "AKIAJLRZ7JVHC3W327DG"
    private let secret = "StBcoGfRXDtOXQGn+Hto/D8rbHXkazEi0P3prPN1"   // fake (fake-keys.json, ud-heredoc)
    private let instance = "i-0a1b2c3d4e5f60718"

    private var credentialsFile: String { "[default]\naws_access_key_id = \(keyId)\naws_secret_access_key = \(secret)\n" }

    /// A script that writes ~/.aws/credentials from a blob: found, at the blob's line.
    private var script: String {
        "#!/bin/bash\nset -e\nmkdir -p ~/.aws\necho \(Data(credentialsFile.utf8).base64EncodedString()) | base64 -d > ~/.aws/credentials\n"
    }

    func testABase64BlobInUserDataIsDecodedAndReportedAtItsLine() throws {
        let decoding = UserDataDecoder.decode(apiValue: Data(script.utf8).base64EncodedString())
        XCTAssertTrue(decoding.errors.isEmpty, "\(decoding.errors)")
        let blob = decoding.documents.first { $0.name == "user-data/base64 at line 4" }
        XCTAssertEqual(blob?.blobLine, 4)
        let found = CredentialDetector.scan(blob?.text ?? "")
        XCTAssertEqual(found.map(\.kind), [.accessKeyId, .secretAccessKey])

        let database = try TestSupport.database()
        let record = "{\"InstanceId\": \"\(instance)\", \"UserData\": {\"Value\": \"\(Data(script.utf8).base64EncodedString())\"}}"
        try TestSupport.importPaths([try TestSupport.file(named: "user-data.json", record)], into: database)
        XCTAssertEqual(try TestSupport.strings(database, "SELECT credential_kind || ' line ' || line FROM credential_findings ORDER BY credential_kind"),
                       ["access-key-id line 4", "secret-access-key line 4"])
    }

    func testABase64BlobInACollectedFileIsFound() throws {
        let root = try TestSupport.temporaryDirectory()
        let folder = root.appendingPathComponent("\(instance)/opt")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(script.utf8).write(to: folder.appendingPathComponent("bootstrap.sh"))
        let database = try TestSupport.database()
        let summary = try HostScanner(database: database, options: .init()).run(paths: [root.path])
        XCTAssertEqual(summary.findings, 2)
        XCTAssertEqual(try TestSupport.strings(database, "SELECT DISTINCT line FROM credential_findings"), ["4"])
    }

    func testACommandLineDumpIsReadLikeAnEnvironment() throws {
        let root = try TestSupport.temporaryDirectory()
        let folder = root.appendingPathComponent("\(instance)/proc/1234")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var cmdline = Data("/usr/bin/python3\u{0}sync.py\u{0}--aws-access-key-id\u{0}\(keyId)\u{0}--aws-secret-access-key=\(secret)\u{0}".utf8)
        cmdline.append(0)
        try cmdline.write(to: folder.appendingPathComponent("cmdline"))
        let database = try TestSupport.database()
        let summary = try HostScanner(database: database, options: .init()).run(paths: [root.path])
        XCTAssertEqual(try TestSupport.strings(database, "SELECT status FROM credential_sources"), ["scanned"], "not 'binary; not scanned'")
        XCTAssertEqual(summary.findings, 2)
    }

    func testABinaryIsReadForItsPrintableRunsAndIsNotAnError() throws {
        let root = try TestSupport.temporaryDirectory()
        let folder = root.appendingPathComponent("\(instance)/usr/local/bin")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var binary = Data([0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0] + [UInt8](repeating: 0, count: 64))
        binary.append(Data("aws_access_key_id=\(keyId)\u{0}\u{0}aws_secret_access_key=\(secret)\u{0}".utf8))
        binary.append(Data([UInt8](repeating: 0xFF, count: 32)))
        try binary.write(to: folder.appendingPathComponent("sync-agent"))
        let database = try TestSupport.database()
        let summary = try HostScanner(database: database, options: .init()).run(paths: [root.path])
        XCTAssertEqual(try TestSupport.strings(database, "SELECT status || ' ' || detail FROM credential_sources"), ["scanned binary: printable runs"])
        XCTAssertEqual(summary.findings, 2)
    }

    func testAFolderWithOtherFilesSkipsWhatIsNotJSON() throws {
        let folder = try TestSupport.temporaryDirectory()
        try Data("[Unit]\nDescription=web\n\n[Service]\nExecStart=/srv/web\n".utf8).write(to: folder.appendingPathComponent("web.service"))
        try Data("{% raw %}\n".utf8).write(to: folder.appendingPathComponent("template.j2"))
        try FileManager.default.copyItem(atPath: TestSupport.path("Samples/aws/us-east-1/describe-instances.json"),
                                         toPath: folder.appendingPathComponent("instances.json").path)
        let database = try TestSupport.database()
        let summary = try TestSupport.importPaths([folder.path], into: database)
        XCTAssertEqual(summary.outcomes.filter { if case .skipped = $0 { return true } else { return false } }.count, 2)
        XCTAssertEqual(try TestSupport.int(database, "SELECT count(*) FROM ec2_instances"), 7)
        // A file that starts as JSON and breaks later is still an error.
        try Data("[{\"RuleID\": \"x\",".utf8).write(to: folder.appendingPathComponent("broken.json"))
        XCTAssertThrowsError(try TestSupport.importPaths([folder.path], into: database))
    }

    func testACredentialReportSavedAsCSVTextInContentIsRead() throws {
        let report = try JSONValue.parse(String(contentsOfFile: TestSupport.path("Samples/credentials/aws/iam/get-credential-report.json"), encoding: .utf8))
        let csv = String(decoding: Data(base64Encoded: report["Content"]!.string!)!, as: UTF8.self)
        var members = report.members
        members[members.firstIndex { $0.key == "Content" }!].value = .string(csv)
        let path = try TestSupport.file(named: "boto3-report.json", JSONValue.object(members).minifiedJSON)
        let database = try TestSupport.database()
        try TestSupport.importPaths([path], into: database)
        // The same rows as the CLI's base64 form: two key slots for each user line of the CSV.
        let users = csv.split(separator: "\n").dropFirst().filter { !$0.isEmpty }.count
        XCTAssertEqual(users, 5)
        let query = """
            SELECT user_arn, user_name, key_slot, active, coalesce(last_rotated, '-'), coalesce(last_used_date, '-'),
                   coalesce(last_used_region, '-'), coalesce(last_used_service, '-'), coalesce(generated_at, '-')
            FROM iam_credential_report ORDER BY user_arn, key_slot
            """
        let base64 = try TestSupport.database()
        try TestSupport.importPaths([TestSupport.path("Samples/credentials/aws/iam/get-credential-report.json")], into: base64)
        let rows = try database.read { db in try Row.fetchAll(db, sql: query).map { $0.description } }
        XCTAssertEqual(rows.count, 2 * users)
        XCTAssertEqual(rows, try base64.read { db in try Row.fetchAll(db, sql: query).map { $0.description } })
    }
}
