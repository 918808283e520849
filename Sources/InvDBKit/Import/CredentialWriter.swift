import GRDB

/// Writes what a credential scan looked at and what it found, never the secret itself: every
/// text it stores (paths, documents, rules, details) is scrubbed of secrets first.
final class CredentialWriter {
    private let insertSource: PreparedStatement
    private let insertFinding: PreparedStatement
    private let db: Database

    init(db: Database) throws {
        self.db = db
        insertSource = try PreparedStatement(db, """
            INSERT INTO credential_sources(instance_id, source_kind, location, place, status, detail, scanner, import_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertFinding = try PreparedStatement(db, """
            INSERT INTO credential_findings(source_id, instance_id, credential_kind, rule, document, path, line, key_id,
                fingerprint, preview, is_example, place, scanner)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
    }

    /// Forgets what an earlier import of the same kind of source said about an instance.
    func replace(instanceId: String, sourceKind: CredentialSourceKind, scanner: CredentialScanner, counts: inout RowCounts) throws {
        try db.execute(sql: """
            DELETE FROM credential_findings WHERE source_id IN (
                SELECT source_id FROM credential_sources WHERE instance_id = ? AND source_kind = ? AND scanner = ?)
            """, arguments: [instanceId, sourceKind.rawValue, scanner.rawValue])
        try db.execute(sql: "DELETE FROM credential_sources WHERE instance_id = ? AND source_kind = ? AND scanner = ?",
                       arguments: [instanceId, sourceKind.rawValue, scanner.rawValue])
    }

    /// Records a source; returns its id.
    func source(instanceId: String, kind: CredentialSourceKind, location: String, place: CredentialPlace, status: CredentialSourceStatus,
                detail: String?, scanner: CredentialScanner, importId: Int, counts: inout RowCounts) throws -> Int {
        try insertSource.bind(instanceId).bind(kind.rawValue).bind(CredentialScrubber.scrubbed(location)).bind(place.rawValue)
            .bind(status.rawValue).bind(detail.map(CredentialScrubber.scrubbed))
            .bind(scanner.rawValue).bind(importId).run()
        counts.add("credential_sources")
        return Int(db.lastInsertedRowID)
    }

    /// Records one detected credential under `sourceId`.
    func finding(_ credential: DetectedCredential, sourceId: Int, instanceId: String, document: String, path: String?,
                 place: CredentialPlace, scanner: CredentialScanner, redactor: CredentialRedactor, counts: inout RowCounts) throws {
        try insertFinding.bind(sourceId).bind(instanceId).bind(credential.kind.rawValue).bind(CredentialScrubber.scrubbed(credential.rule))
            .bind(CredentialScrubber.scrubbed(document)).bind(path.map(CredentialScrubber.scrubbed)).bind(credential.line > 0 ? credential.line : nil).bind(credential.keyId)
            .bind(redactor.fingerprint(credential.value)).bind(CredentialRedactor.preview(credential))
            .bind(credential.isExample).bind(place.rawValue).bind(scanner.rawValue).run()
        counts.add("credential_findings")
    }

    /// Records a finding whose secret the scanner kept only as its own hash (detect-secrets).
    func hashedFinding(kind: DetectedCredential.Kind, rule: String, hash: String?, sourceId: Int, instanceId: String, path: String,
                       line: Int?, place: CredentialPlace, scanner: CredentialScanner, counts: inout RowCounts) throws {
        try insertFinding.bind(sourceId).bind(instanceId).bind(kind.rawValue).bind(CredentialScrubber.scrubbed(rule))
            .bind(CredentialScrubber.scrubbed(path)).bind(CredentialScrubber.scrubbed(path)).bind(line).bind(nil as String?)
            .bind(nil as String?).bind("(\(scanner.rawValue) keeps only a hash: \(hash.map { String($0.prefix(8)) + "…" } ?? "none"))")
            .bind(false).bind(place.rawValue).bind(scanner.rawValue).run()
        counts.add("credential_findings")
    }
}
