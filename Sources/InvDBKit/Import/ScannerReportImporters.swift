import Foundation

/// One finding as a secret scanner reported it, before invdb redacts it.
struct ScannerFinding {
    var path: String
    var line: Int?
    var rule: String
    /// Text holding the credential in a form invdb's detector reads (`aws_access_key_id=…`,
    /// `aws_secret_access_key=…`); nil when the scanner kept only a hash.
    var text: String?
    /// For hash-only reports (detect-secrets): the kind and the scanner's own hash.
    var hashedKind: DetectedCredential.Kind?
    var hashedSecret: String?
}

/// Writes scanner findings as credential sources and findings: each finding belongs to the
/// instance whose id is in its path (or `--instance`), and is redacted like invdb's own.
final class ScannerReportWriter {
    let scanner: CredentialScanner
    private var sources: [String: Int] = [:]
    /// Findings whose path names no instance, counted for one warning per file.
    private var unattributed = 0
    /// Key ids already seen per source, by line: a scanner that reports the id and the secret
    /// as two findings (gitleaks) still gets them paired.
    private var keyIdsBySource: [Int: [(line: Int, keyId: String)]] = [:]
    private var replaced: Set<String> = []
    private var writer: CredentialWriter?

    init(scanner: CredentialScanner) {
        self.scanner = scanner
    }

    /// Warns once about the findings that named no instance.
    func finish(file: FileImport) {
        guard unattributed > 0 else { return }
        file.run.warn("\(file.path): \(unattributed) finding\(unattributed == 1 ? "" : "s") of \(scanner.rawValue) name no instance (i-…) in their path; pass --instance to import them")
    }

    func write(_ finding: ScannerFinding, file: FileImport) throws {
        guard let instanceId = HostScanner.instanceId(inPath: finding.path) ?? file.run.options.instance else {
            unattributed += 1
            return
        }
        if writer == nil { writer = try CredentialWriter(db: file.run.db) }
        let writer = writer!
        if !replaced.contains(instanceId) {
            try writer.replace(instanceId: instanceId, sourceKind: .scannerReport, scanner: scanner, counts: &file.counts)
            replaced.insert(instanceId)
        }
        let place = HostScanner.isEnvironmentDump(finding.path) ? CredentialPlace.scriptOrEnvironment : CredentialPlace.of(path: finding.path)
        let sourceKey = instanceId + "\u{0}" + finding.path
        let sourceId: Int
        if let known = sources[sourceKey] {
            sourceId = known
        } else {
            sourceId = try writer.source(instanceId: instanceId, kind: .scannerReport, location: finding.path, place: place,
                                         status: .scanned, detail: "reported in \(file.path)", scanner: scanner,
                                         importId: file.importId, counts: &file.counts)
            sources[sourceKey] = sourceId
        }
        if let text = finding.text {
            var seen: Set<String> = []
            for var credential in CredentialDetector.scan(text) where seen.insert(credential.kind.rawValue + credential.value).inserted {
                credential.line = finding.line ?? 0   // 0: the scanner gave no line (stored as NULL)
                credential.rule = "\(scanner.rawValue):\(finding.rule)"
                if credential.kind == .accessKeyId {
                    keyIdsBySource[sourceId, default: []].append((credential.line, credential.value))
                } else if credential.keyId == nil {
                    credential.keyId = keyIdsBySource[sourceId]?.filter { abs($0.line - credential.line) <= 5 }
                        .min { abs($0.line - credential.line) < abs($1.line - credential.line) }?.keyId
                }
                try writer.finding(credential, sourceId: sourceId, instanceId: instanceId, document: finding.path, path: finding.path,
                                   place: place, scanner: scanner, redactor: try file.run.redactor(), counts: &file.counts)
            }
        } else if let kind = finding.hashedKind {
            try writer.hashedFinding(kind: kind, rule: "\(scanner.rawValue):\(finding.rule)", hash: finding.hashedSecret, sourceId: sourceId,
                                     instanceId: instanceId, path: finding.path, line: finding.line, place: place, scanner: scanner,
                                     counts: &file.counts)
        }
    }
}

/// Collects each top-level document's members, then hands the whole record over: scanner
/// reports are small, and their identifying member is not always the first.
class RecordImporter: DocumentImporter {
    private var members: [JSONMember] = []

    func readMember(_ key: String, reader: JSONStreamReader, file: FileImport) throws {
        members.append(JSONMember(key: key, value: try reader.readValue()))
    }

    func endDocument(file: FileImport) throws {
        defer { members = [] }
        try record(.object(members), file: file)
    }

    func record(_ record: JSONValue, file: FileImport) throws {}

    func finish(file: FileImport) throws {}

    var scrubsStrings: Bool { false }
}

/// trufflehog v3 `--json`: one object per line, `SourceMetadata.Data.Filesystem.{file,line}`,
/// `DetectorName`, `Raw` (the key id) and `RawV2` (`id:secret` or `id:secret:token`).
final class TrufflehogV3Importer: RecordImporter {
    private let writer = ScannerReportWriter(scanner: .trufflehog)

    override func finish(file: FileImport) throws { writer.finish(file: file) }

    override func record(_ record: JSONValue, file: FileImport) throws {
        guard let detector = record["DetectorName"]?.string, detector.uppercased().hasPrefix("AWS") else { return }
        let data = record["SourceMetadata"]?["Data"]
        let place = data?["Filesystem"] ?? data?["Git"] ?? data?.members.first?.value
        guard let path = place?["file"]?.string else { return }
        let raw = record["RawV2"]?.string ?? record["Raw"]?.string ?? ""
        let parts = raw.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        var lines = ["aws_access_key_id=\(parts[0])"]
        if parts.count > 1 { lines.append("aws_secret_access_key=\(parts[1])") }
        if parts.count > 2 { lines.append("aws_session_token=\(parts[2])") }
        try writer.write(ScannerFinding(path: path, line: try file.lineNumber(place?["line"], at: "SourceMetadata.Data.*.line"), rule: detector, text: lines.joined(separator: "\n")), file: file)
    }
}

/// truffleHog 2.x `--json`: one object per line with `path`, `reason` and `stringsFound` (the
/// matched strings); no line numbers.
final class TrufflehogV2Importer: RecordImporter {
    private let writer = ScannerReportWriter(scanner: .trufflehog2)

    override func finish(file: FileImport) throws { writer.finish(file: file) }

    override func record(_ record: JSONValue, file: FileImport) throws {
        guard let path = record["path"]?.string, let reason = record["reason"]?.string else { return }
        let strings = record["stringsFound"]?.elements.compactMap(\.string) ?? []
        // stringsFound holds bare matches: key ids are recognised as they are; a 40-character
        // match of an AWS rule is given the secret's context.
        let text = strings.map { $0.count == 40 && reason.contains("AWS") ? "aws_secret_access_key=\($0)" : $0 }.joined(separator: "\n")
        try writer.write(ScannerFinding(path: path, line: nil, rule: reason, text: text), file: file)
    }
}

/// gitleaks `--report-format json`: a JSON array of findings with `RuleID`, `File`,
/// `StartLine`, `Match` and `Secret`.
final class GitleaksImporter {
    private let writer = ScannerReportWriter(scanner: .gitleaks)

    func finish(file: FileImport) { writer.finish(file: file) }

    func record(_ record: JSONValue, location: RecordLocation, file: FileImport) throws {
        guard let path = record["File"]?.string, let rule = record["RuleID"]?.string else { return }
        let text = [record["Match"]?.string, record["Secret"]?.string].compactMap { $0 }.joined(separator: "\n")
        try writer.write(ScannerFinding(path: path, line: try location.optionalInt(record, "StartLine"), rule: rule, text: text), file: file)
    }
}

/// detect-secrets baseline: `results` maps each file to `{type, line_number, hashed_secret}`.
/// It keeps only a SHA-1 of each secret, so the key id cannot be recovered; only AWS types are
/// imported (its high-entropy findings are mostly ids and checksums).
final class DetectSecretsImporter: DocumentImporter {
    private let writer = ScannerReportWriter(scanner: .detectSecrets)

    func readMember(_ key: String, reader: JSONStreamReader, file: FileImport) throws {
        guard key == "results" else { return try reader.skipValue() }
        for entry in try reader.readValue().members {
            for result in entry.value.elements {
                guard let type = result["type"]?.string, type.hasPrefix("AWS") else { continue }
                try writer.write(ScannerFinding(path: result["filename"]?.string ?? entry.key, line: try file.lineNumber(result["line_number"], at: "results.*.line_number"), rule: type,
                                                text: nil, hashedKind: .accessKeyId, hashedSecret: result["hashed_secret"]?.string), file: file)
            }
        }
    }

    func finish(file: FileImport) throws { writer.finish(file: file) }

    var scrubsStrings: Bool { false }
}

/// Kingfisher `--format json`: `findings[]` of `{rule: {id}, finding: {snippet, path, line,
/// dependent_captures}}`; the snippet is the key id (or the token, for session-token rules) and
/// the secret is a dependent capture.
final class KingfisherImporter: DocumentImporter {
    private let writer = ScannerReportWriter(scanner: .kingfisher)

    func readMember(_ key: String, reader: JSONStreamReader, file: FileImport) throws {
        guard key == "findings" else { return try reader.skipValue() }
        for item in try reader.readValue().elements {
            let rule = item["rule"]?["id"]?.string ?? item["rule"]?["name"]?.string ?? "unknown"
            let finding = item["finding"]
            guard rule.lowercased().contains("aws"), let path = finding?["path"]?.string, let snippet = finding?["snippet"]?.string else { continue }
            var lines: [String] = []
            if rule.lowercased().contains("session") {
                lines.append("aws_session_token=\(snippet)")
            } else {
                lines.append(snippet.count == 40 ? "aws_secret_access_key=\(snippet)" : "aws_access_key_id=\(snippet)")
            }
            for capture in finding?["dependent_captures"]?.members ?? [] {
                guard let value = capture.value.string else { continue }
                let name = capture.key.lowercased()
                if name.contains("secret") { lines.append("aws_secret_access_key=\(value)") }
                if name.contains("token") { lines.append("aws_session_token=\(value)") }
                if name.contains("key_id") || name.contains("access_key") && !name.contains("secret") { lines.append("aws_access_key_id=\(value)") }
            }
            try writer.write(ScannerFinding(path: path, line: try file.lineNumber(finding?["line"], at: "findings[].finding.line"), rule: rule, text: lines.joined(separator: "\n")), file: file)
        }
    }

    func finish(file: FileImport) throws { writer.finish(file: file) }

    var scrubsStrings: Bool { false }
}
