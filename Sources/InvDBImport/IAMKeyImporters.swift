import Foundation
import InvDBCore
import InvDBDetect
import InvDBJSON
import InvDBStore

/// Imports `aws iam list-users` output (`Users[]`).
final class UsersImporter: DocumentImporter {
    func readMember(_ key: String, reader: JSONStreamReader, file: FileImport) throws {
        guard key == "Users" else { return try reader.skipValue() }
        let upsert = try file.run.db.cachedStatement(sql: """
            INSERT INTO iam_users(arn, account_id, name, user_id, create_date, import_id) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT(arn) DO UPDATE SET name = excluded.name, user_id = excluded.user_id,
                create_date = excluded.create_date, import_id = excluded.import_id
            """)
        try file.forEachElement(of: reader, path: "$.Users") { user, location in
            let arn = try location.requiredString(user, "Arn")
            guard let account = ARN(arn)?.account, !account.isEmpty else { throw location.invalid("Arn '\(SafeText.quote(arn, limit: 100))' is not an IAM ARN") }
            try upsert.execute(arguments: [arn, account, try location.requiredString(user, "UserName"), try location.optionalString(user, "UserId"),
                                           try location.optionalString(user, "CreateDate"), file.importId])
            file.counts.add(.iamUsers, key: arn)
            file.noteOrigin(account: account)
        }
    }

    func finish(file: FileImport) throws {}
}

/// Imports `aws iam list-access-keys` output (`AccessKeyMetadata[]`).
final class AccessKeysImporter: DocumentImporter {
    func readMember(_ key: String, reader: JSONStreamReader, file: FileImport) throws {
        guard key == "AccessKeyMetadata" else { return try reader.skipValue() }
        let upsert = try file.run.db.cachedStatement(sql: """
            INSERT OR REPLACE INTO iam_access_keys(access_key_id, account_id, user_name, status, create_date, import_id, key_account_id)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        try file.forEachElement(of: reader, path: "$.AccessKeyMetadata") { metadata, location in
            // list-access-keys names no account: the key's owner is found in a view
            // (iam_access_key_owners), never by looking up a user here, which depended on the order of files.
            let keyId = try location.requiredString(metadata, "AccessKeyId")
            try upsert.execute(arguments: [keyId, file.run.options.account, try location.requiredString(metadata, "UserName"),
                                           try location.requiredString(metadata, "Status"), try location.optionalString(metadata, "CreateDate"),
                                           file.importId, AWSAccessKey.accountId(fromKeyId: keyId)])
            file.counts.add(.iamAccessKeys, key: keyId)
        }
    }

    func finish(file: FileImport) throws {}
}

/// Imports `aws iam get-credential-report` output: the base64 CSV in `Content`.
final class CredentialReportImporter: DocumentImporter {
    private var content: String?
    private var generatedAt: String?
    private var contentLocation: RecordLocation?

    func readMember(_ key: String, reader: JSONStreamReader, file: FileImport) throws {
        switch key {
        case "Content":
            contentLocation = file.location(reader, "$.Content")
            content = try reader.readString()
        case "GeneratedTime":
            generatedAt = try reader.readString()
        default:
            try reader.skipValue()
        }
    }

    func finish(file: FileImport) throws {
        let location = contentLocation ?? RecordLocation(file: file.path, position: .init(line: 1, column: 1), jsonPath: "$")
        guard let content else { throw location.invalid("Content is missing") }
        // boto3 (and tools built on it) save the decoded CSV; the AWS CLI prints base64.
        let csv: String
        if content.hasPrefix(CredentialReportCSV.header) {
            csv = content
        } else if let data = Data(base64Encoded: content, options: .ignoreUnknownCharacters), let text = String(validating: Array(data), as: UTF8.self) {
            csv = text
        } else {
            throw location.invalid("Content should be the credential report's CSV, as text or in base64")
        }
        try CredentialReportCSV.write(csv, generatedAt: generatedAt, file: file, location: location)
    }
}

/// The credential report's CSV (22 columns from `user,arn,user_creation_time,…`).
enum CredentialReportCSV {
    static let header = "user,arn,user_creation_time"

    static func write(_ csv: String, generatedAt: String?, file: FileImport, location: RecordLocation) throws {
        let rows: [[String]]
        do {
            rows = try CSVText.rows(csv)
        } catch {
            throw location.invalid("the credential report's CSV ends inside a quoted field (is it truncated?)")
        }
        guard let header = rows.first, header.starts(with: ["user", "arn", "user_creation_time"]) else {
            throw location.invalid("not an IAM credential report: the CSV should start with user,arn,user_creation_time")
        }
        func column(_ name: String) throws -> Int {
            guard let index = header.firstIndex(of: name) else { throw location.invalid("the credential report has no \(name) column") }
            return index
        }
        let user = try column("user"), arn = try column("arn"), created = try column("user_creation_time")
        let slots = try (1...2).map { slot in
            let prefix = "access_key_\(slot)_"
            return (active: try column(prefix + "active"), rotated: try column(prefix + "last_rotated"),
                    usedDate: try column(prefix + "last_used_date"), usedRegion: try column(prefix + "last_used_region"),
                    usedService: try column(prefix + "last_used_service"))
        }
        let insert = try file.run.db.cachedStatement(sql: """
            INSERT OR REPLACE INTO iam_credential_report(user_arn, user_name, key_slot, active, last_rotated, last_used_date,
                last_used_region, last_used_service, generated_at, import_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let upsertUser = try file.run.db.cachedStatement(sql: """
            INSERT INTO iam_users(arn, account_id, name, create_date, import_id) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(arn) DO NOTHING
            """)
        func value(_ text: String) -> String? {
            ["N/A", "not_supported", "no_information", ""].contains(text) ? nil : CredentialScrubber.scrubbed(text)
        }
        for (index, row) in rows.enumerated().dropFirst() {
            if row == [""] { continue }   // a blank line
            guard row.count == header.count else {
                throw location.invalid("row \(index + 1) of the credential report has \(row.count) fields, the header \(header.count) (is the report truncated?)")
            }
            guard let account = ARN(row[arn])?.account, AWSAccount.isValid(account) else {
                throw location.invalid("row \(index + 1) of the credential report: arn is not an IAM ARN with an account id")
            }
            try upsertUser.execute(arguments: [CredentialScrubber.scrubbed(row[arn]), account, CredentialScrubber.scrubbed(row[user]),
                                               value(row[created]), file.importId])
            for (slot, columns) in slots.enumerated() {
                guard ["true", "false"].contains(row[columns.active]) else {
                    throw location.invalid("row \(index + 1) of the credential report: access_key_\(slot + 1)_active should be true or false")
                }
                try insert.execute(arguments: [CredentialScrubber.scrubbed(row[arn]), CredentialScrubber.scrubbed(row[user]), slot + 1,
                                               row[columns.active] == "true",
                                               value(row[columns.rotated]), value(row[columns.usedDate]),
                                               value(row[columns.usedRegion]), value(row[columns.usedService]),
                                               generatedAt, file.importId])
                file.counts.add(.iamCredentialReport, key: row[arn] + " \(slot + 1)")
            }
            file.noteOrigin(account: account)
        }
    }
}

/// Splits RFC 4180 CSV text into rows of fields.
enum CSVText {
    /// The text ends inside a quoted field.
    struct UnterminatedQuote: Error {}

    static func rows(_ text: String) throws -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            if quoted {
                if character == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.append("\"") } else {
                            quoted = false
                            handle(next)
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
                continue
            }
            handle(character)
        }
        func handle(_ character: Character) {
            switch character {
            case "\"" where field.isEmpty: quoted = true
            case ",": row.append(field); field = ""
            case "\n", "\r\n":
                row.append(field); field = ""
                rows.append(row); row = []
            case "\r": break
            default: field.append(character)
            }
        }
        if quoted { throw UnterminatedQuote() }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }
}
