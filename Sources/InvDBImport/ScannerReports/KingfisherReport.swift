import InvDBCore
import InvDBDetect
import InvDBJSON
import InvDBStore

/// Kingfisher reports, every layout its releases wrote (FORMATS.md beside the fixtures):
///
/// - 1.x `--format json`: a top-level array of `{id, matches: [{rule, finding}]}` (`--format
///   jsonl`: one such object per line);
/// - later 1.x and 2.x `--format json`: `{"findings": [{rule, finding}], "metadata", "audit"}`;
///   on standard output a second line follows whose `findings` is a number (a summary);
/// - `--format jsonl`: one `{rule, finding}` per line, 2.x ending with an `{"audit": …}` line.
///
/// `finding.snippet` is the key id (or, for secret and session-token rules, the secret itself);
/// `finding.dependent_captures` holds the rest. `[REDACTED:…]` snippets cannot be read.
enum KingfisherReport {
    /// The finding of one `{rule, finding}` pair, or nil when it is not about AWS.
    static func finding(_ match: JSONValue, location: RecordLocation) throws -> ScannerFinding? {
        let rule = try location.optionalObject(match, "rule")
        let ruleName = try (rule.flatMap { try location.optionalString($0, "id") } ?? rule.flatMap { try location.optionalString($0, "name") }) ?? "unknown"
        guard GitleaksReport.isAboutAWS(ruleName), let details = try location.optionalObject(match, "finding") else { return nil }
        var path = try location.optionalString(details, "path") ?? ""
        if path.isEmpty, let file = details[path: "git_metadata", "file", "path"]?.string { path = file }   // history findings before 1.54
        var finding = ScannerFinding(path: path, line: try location.optionalInt(details, "line"), rule: ruleName)
        let snippet = try location.optionalString(details, "snippet") ?? ""
        finding.classify(snippet)
        if let captures = try location.optionalObject(details, "dependent_captures") {
            for capture in captures.members {
                if let value = capture.value.string { finding.classify(value) }
            }
        }
        if !finding.hasValues {
            guard GitleaksReport.isRedacted(snippet) else { return nil }
            finding.unreadable = "Kingfisher redacted it (--redact); run it without --redact (invdb never stores the secret), or invdb scan"
        }
        return finding
    }

    /// The `{rule, finding}` pairs of a 1.x `{id, matches}` group.
    static func matches(ofGroup group: JSONValue, location: RecordLocation) throws -> [JSONValue] {
        try location.optionalArray(group, "matches")
    }
}

/// Imports Kingfisher's JSON envelope (`{"findings": [...]}`), its JSON lines (`{rule, finding}`
/// or 1.x `{id, matches}` per line, an `{"audit"}` line), and the summary line of standard output.
final class KingfisherImporter: RecordImporter {
    private let writer = ScannerReportWriter(scanner: .kingfisher)

    override func record(_ record: JSONValue, location: RecordLocation, file: FileImport) throws {
        var matches: [JSONValue] = []
        switch record["findings"] {
        case .array(let items)?: matches = items
        case .number?, .null?, nil: break   // the stdout summary line counts findings
        case let other?: throw location.invalid("findings should be an array, found \(other.kindName)")
        }
        if record["finding"] != nil { matches.append(record) }
        if record["matches"] != nil { matches += try KingfisherReport.matches(ofGroup: record, location: location) }
        for match in matches {
            if let finding = try KingfisherReport.finding(match, location: location) { try writer.write(finding, file: file) }
        }
    }

    /// Imports the 1.x top-level array of `{id, matches}` groups.
    func group(_ group: JSONValue, location: RecordLocation, file: FileImport) throws {
        try record(group, location: location, file: file)
    }

    override func finish(file: FileImport) throws { try writer.finish(file: file) }
}

/// detect-secrets baselines (0.x and 1.x): `results` maps each file to `{type, line_number,
/// hashed_secret}` entries. Only a SHA-1 of each value is kept, so the key id cannot be
/// recovered; only AWS types are imported (its high-entropy findings are mostly ids and checksums).
final class DetectSecretsImporter: DocumentImporter {
    private let writer = ScannerReportWriter(scanner: .detectSecrets)

    func readMember(_ key: String, reader: JSONStreamReader, file: FileImport) throws {
        guard key == "results" else { return try reader.skipValue() }
        let location = file.location(reader, "$.results")
        let results = try reader.readValue()
        guard case .object(let entries) = results else { throw location.invalid("results should be an object, found \(results.kindName)") }
        for entry in entries {
            guard case .array(let items) = entry.value else { throw location.invalid("results of a file should be an array") }
            for result in items {
                guard let type = try location.optionalString(result, "type"), GitleaksReport.isAboutAWS(type) else { continue }
                var finding = ScannerFinding(path: try location.optionalString(result, "filename") ?? entry.key,
                                             line: try location.optionalInt(result, "line_number"), rule: type)
                finding.hashed = try location.optionalString(result, "hashed_secret") ?? "none"
                try writer.write(finding, file: file)
            }
        }
    }

    func finish(file: FileImport) throws { try writer.finish(file: file) }

    var scrubsStrings: Bool { false }
}
