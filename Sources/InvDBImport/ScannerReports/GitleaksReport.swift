import InvDBCore
import InvDBDetect
import InvDBJSON
import InvDBStore

/// gitleaks reports (`--report-format json`), every layout its releases wrote (see
/// Tests/Fixtures/credentials/scanner-formats/FORMATS.md):
///
/// - 8.x: a JSON array of `{RuleID, File, StartLine, Match, Secret, …}` (8.0.x: `Context` instead
///   of `Match`, and a 0-based `StartLine`); `--redact` writes `REDACTED` (`REDACT` before 8.12,
///   `AKIA...` with `--redact=N`).
/// - 3.x–7.x: `{line, lineNumber, offender, rule, file, …}`, where `rule` is the rule's
///   description (`AWS Access Key`, `AWS Manager ID`, `AWS Secret Key`) and `offender` the match;
///   an array, or one object per line (`--quiet` on standard output).
/// - A clean run: `[]` (or `null`, which the betterleaks fork wrote).
enum GitleaksReport {
    /// Which layout an array element (or a JSON-lines object) has; nil when it is none.
    enum Layout {
        case version8, version7
    }

    static func layout(of record: JSONValue) -> Layout? {
        if record["RuleID"] != nil && record["File"] != nil { return .version8 }
        if record["offender"] != nil && record["rule"] != nil { return .version7 }
        return nil
    }

    /// The finding in `record`, or nil when it is not about an AWS credential.
    ///
    /// - Throws: `InputError` when a field has the wrong type or a line is out of range.
    static func finding(_ record: JSONValue, layout: Layout, location: RecordLocation) throws -> ScannerFinding? {
        switch layout {
        case .version8:
            let zeroBased = record["Context"] != nil   // 8.0.x
            let line = try location.optionalInt(record, "StartLine").map { zeroBased ? $0 + 1 : $0 }
            var finding = ScannerFinding(path: try location.requiredString(record, "File"), line: line,
                                         rule: try location.optionalString(record, "RuleID") ?? "unknown")
            let secret = try location.optionalString(record, "Secret") ?? ""
            if finding.classify(secret) { return finding }
            let match = try location.optionalString(record, "Match")
            let context = try match ?? location.optionalString(record, "Context") ?? ""
            guard isAboutAWS(finding.rule + " " + context), isRedacted(secret) else { return nil }
            finding.unreadable = "gitleaks redacted it (--redact); run gitleaks without --redact (invdb never stores the secret), or invdb scan"
            return finding
        case .version7:
            let rule = try location.optionalString(record, "rule") ?? "unknown"
            guard isAboutAWS(rule) else { return nil }
            let path = try location.optionalString(record, "file") ?? "."
            var finding = ScannerFinding(path: path, line: try location.optionalInt(record, "lineNumber"), rule: rule)
            let offender = try location.optionalString(record, "offender") ?? ""
            // "AWS Secret Key" offenders are the whole match (`aws_secret_access_key: "…"`).
            if finding.classify(offender) || SecretShape.exactRuns(of: 40, in: offender).contains(where: { finding.classify($0) }) {
                return finding
            }
            guard isRedacted(offender) else { return nil }   // e.g. an MWS key: not a credential invdb tracks
            finding.unreadable = "gitleaks redacted it (--redact)"
            return finding
        }
    }

    /// True when a rule name or matched text is about AWS credentials.
    static func isAboutAWS(_ text: String) -> Bool {
        let name = CredentialScrubber.normalizedName(text)
        return name.contains("aws") || name.contains("secretaccesskey") || name.contains("accesskeyid")
    }

    static func isRedacted(_ value: String) -> Bool {
        value.contains("REDACT") || value.hasSuffix("...") || value.hasPrefix("[REDACTED")
    }
}

/// Imports gitleaks 3.x–7.x JSON lines (`gitleaks --quiet` on standard output): one finding per line.
final class GitleaksLinesImporter: RecordImporter {
    private let writer = ScannerReportWriter(scanner: .gitleaks)

    override func record(_ record: JSONValue, location: RecordLocation, file: FileImport) throws {
        guard let layout = GitleaksReport.layout(of: record) else {
            throw location.invalid("a gitleaks finding should have offender and rule (or RuleID and File)")
        }
        if let finding = try GitleaksReport.finding(record, layout: layout, location: location) {
            try writer.write(finding, file: file)
        }
    }

    override func finish(file: FileImport) throws { try writer.finish(file: file) }
}
