import GRDB
import InvDBCore
import InvDBDetect
import InvDBJSON
import InvDBStore

/// Writes the findings of one scanner report as credential sources and findings: each finding
/// belongs to the instance named by the outermost `i-…` component of its path (or `--instance`),
/// is fingerprinted and redacted like invdb's own, and replaces what earlier reports of the same
/// scanner said about that instance. A report with no finding is a clean scan of the instance
/// given by `--instance` (or by an `i-…` in the report's own path).
final class ScannerReportWriter {
    let scanner: CredentialScanner
    private var sources: [String: Int] = [:]
    /// Values already written per source: a scanner that discloses a key id in two findings
    /// (Kingfisher's key-id and session-token rules) still yields one finding.
    private var seen: Set<String> = []
    private var replaced: Set<String> = []
    private var writer: CredentialWriter?
    /// Findings whose path names no instance, counted for one warning per file.
    private var unattributed = 0
    private var written = 0

    init(scanner: CredentialScanner) {
        self.scanner = scanner
    }

    /// Writes one finding.
    func write(_ finding: ScannerFinding, file: FileImport) throws {
        guard !finding.isEmpty else { return }
        written += 1
        guard let instanceId = InstanceId.of(path: finding.path) ?? file.run.options.instance else {
            unattributed += 1
            return
        }
        let writer = try claim(instanceId, file: file)
        let place = CredentialPlace.isEnvironmentDump((finding.path as NSString).lastPathComponent) ? CredentialPlace.scriptOrEnvironment
            : CredentialPlace.of(path: finding.path)
        let rule = "\(scanner.rawValue):\(finding.rule)"
        if let reason = finding.unreadable {
            _ = try writer.source(instanceId: instanceId, kind: .scannerReport, location: finding.path, place: place, status: .error,
                                  detail: "\(scanner.rawValue) reported an AWS credential (\(SafeText.quote(finding.rule, limit: 60)))"
                                      + "\(finding.line.map { " at line \($0)" } ?? "") that invdb cannot read: \(reason)",
                                  scanner: scanner, importId: file.importId, counts: &file.counts)
            return
        }
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
        if let hash = finding.hashed {
            try writer.hashedFinding(kind: .accessKeyId, rule: rule, hash: hash, sourceId: sourceId, instanceId: instanceId,
                                     path: finding.path, line: finding.line, place: place, scanner: scanner, counts: &file.counts)
            return
        }
        for (kind, value) in finding.values where seen.insert("\(sourceId)\u{0}\(value)").inserted {
            let credential = DetectedCredential(
                kind: kind, value: value, line: finding.line ?? 0, column: 0,
                keyId: kind == .accessKeyId ? value : finding.keyId,
                isExample: value == CredentialDetector.exampleKeyId || value == CredentialDetector.exampleSecret
                    || (kind == .secretAccessKey && finding.keyId == CredentialDetector.exampleKeyId),
                rule: rule)
            try writer.finding(credential, sourceId: sourceId, instanceId: instanceId, document: finding.path, path: finding.path,
                               place: place, scanner: scanner, redactor: try file.run.redactor(), counts: &file.counts)
        }
    }

    /// Forgets what earlier reports of this scanner said about `instanceId`, once per file.
    private func claim(_ instanceId: String, file: FileImport) throws -> CredentialWriter {
        if writer == nil { writer = CredentialWriter(db: file.run.db) }
        if replaced.insert(instanceId).inserted {
            try writer!.replace(instanceId: instanceId, sourceKind: .scannerReport, scanner: scanner, counts: &file.counts)
        }
        return writer!
    }

    /// Ends the report: pairs secrets with the key id the same file reports within five lines,
    /// records a clean report as a clean scan, and warns once about findings without an instance.
    func finish(file: FileImport) throws {
        if written == 0 {
            guard let instanceId = file.run.options.instance ?? InstanceId.of(path: file.path) else {
                file.run.warn("\(file.path): a \(scanner.rawValue) report with no findings names no instance; pass --instance to record it as a clean scan")
                return
            }
            _ = try claim(instanceId, file: file).source(instanceId: instanceId, kind: .scannerReport, location: file.path, place: .scriptOrEnvironment,
                                                         status: .empty, detail: "a clean \(scanner.rawValue) run: nothing found",
                                                         scanner: scanner, importId: file.importId, counts: &file.counts)
            return
        }
        if unattributed > 0 {
            file.run.warn("\(file.path): \(unattributed) finding\(unattributed == 1 ? "" : "s") of \(scanner.rawValue) name no instance (i-…) in their path; pass --instance to import them")
        }
        try file.run.db.execute(sql: """
            WITH candidates AS (
                SELECT f.finding_id AS id, k.key_id, abs(coalesce(k.line, 0) - coalesce(f.line, 0)) AS distance, k.line AS key_line
                FROM credential_findings AS f
                JOIN credential_findings AS k ON k.source_id = f.source_id AND k.credential_kind = 'access-key-id' AND k.key_id IS NOT NULL
                WHERE f.key_id IS NULL AND f.credential_kind != 'access-key-id'
                  AND f.source_id IN (SELECT source_id FROM credential_sources WHERE import_id = ?)
                  AND abs(coalesce(k.line, 0) - coalesce(f.line, 0)) <= 5),
            nearest AS (
                SELECT id, key_id FROM (
                    SELECT id, key_id, row_number() OVER (PARTITION BY id ORDER BY distance, key_line) AS rank FROM candidates)
                WHERE rank = 1)
            UPDATE credential_findings SET key_id = nearest.key_id
            FROM nearest WHERE credential_findings.finding_id = nearest.id
            """, arguments: [file.importId])
        try file.run.db.execute(sql: """
            UPDATE credential_findings SET is_example = 1
            WHERE key_id = ? AND credential_kind = 'secret-access-key'
              AND source_id IN (SELECT source_id FROM credential_sources WHERE import_id = ?)
            """, arguments: [CredentialDetector.exampleKeyId, file.importId])
    }
}

import Foundation
