import Foundation
import InvDBCore
import InvDBStore

/// One saved check: a `.sql` file whose leading `-- key: value` comment lines describe it.
///
/// ```sql
/// -- title: EC2 instances have an IAM instance profile attached
/// -- severity: high
/// -- description: …
/// -- remediation: aws ec2 associate-iam-instance-profile …
/// SELECT … AS resource, … AS status, … AS reason, … FROM …;
/// ```
/// A line `--   more text` (two or more spaces after `--`) continues the previous value.
public struct CheckDefinition: Sendable, Equatable {
    /// The file name without `.sql`; names state the passing condition.
    public var id: String
    public var title: String
    public var severity: String
    public var description: String
    public var remediation: String
    /// Every header, including the ones above and any others (e.g. `cis`).
    public var headers: [String: String]
    /// The query, runnable unchanged in the `sqlite3` shell.
    public var sql: String
    /// Where the check was read from.
    public var path: String

    /// Parses a check file's text.
    ///
    /// - Throws: `CommandFailure` when a required header (title, severity, description, remediation) is missing.
    public init(id: String, path: String, text: String) throws {
        var headers: [String: String] = [:]
        var lastKey: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("--") else {
                if line.trimmingCharacters(in: .whitespaces).isEmpty { lastKey = nil; continue }
                break
            }
            let body = line.dropFirst(2)
            if body.hasPrefix("  "), let key = lastKey {
                headers[key, default: ""] += " " + body.trimmingCharacters(in: .whitespaces)
                continue
            }
            let content = body.trimmingCharacters(in: .whitespaces)
            guard let colon = content.firstIndex(of: ":"),
                  content[..<colon].allSatisfy({ $0.isLetter || $0 == "_" || $0 == "-" }), colon != content.startIndex else {
                lastKey = nil
                continue
            }
            let key = content[..<colon].lowercased()
            headers[key] = content[content.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            lastKey = key
        }
        for required in ["title", "severity", "description", "remediation"] where headers[required]?.isEmpty ?? true {
            throw CommandFailure("\(path): the check has no '-- \(required): …' header line")
        }
        self.id = id
        self.path = path
        self.headers = headers
        self.sql = text
        title = headers["title"]!
        severity = headers["severity"]!
        description = headers["description"]!
        remediation = headers["remediation"]!
    }
}
