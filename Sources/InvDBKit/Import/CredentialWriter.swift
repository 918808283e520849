import GRDB

/// Writes what a credential scan looked at and what it found, never the secret itself.
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
    func replace(instanceId: String, sourceKind: String, scanner: String, counts: inout RowCounts) throws {
        try db.execute(sql: """
            DELETE FROM credential_findings WHERE source_id IN (
                SELECT source_id FROM credential_sources WHERE instance_id = ? AND source_kind = ? AND scanner = ?)
            """, arguments: [instanceId, sourceKind, scanner])
        try db.execute(sql: "DELETE FROM credential_sources WHERE instance_id = ? AND source_kind = ? AND scanner = ?",
                       arguments: [instanceId, sourceKind, scanner])
    }

    /// Records a source; returns its id.
    func source(instanceId: String, kind: String, location: String, place: CredentialPlace, status: String,
                detail: String?, scanner: String, importId: Int, counts: inout RowCounts) throws -> Int {
        try insertSource.bind(instanceId).bind(kind).bind(location).bind(place.rawValue).bind(status).bind(detail)
            .bind(scanner).bind(importId).run()
        counts.add("credential_sources")
        return Int(db.lastInsertedRowID)
    }

    /// Records one detected credential under `sourceId`.
    func finding(_ credential: DetectedCredential, sourceId: Int, instanceId: String, document: String, path: String?,
                 place: CredentialPlace, scanner: String, redactor: CredentialRedactor, counts: inout RowCounts) throws {
        try insertFinding.bind(sourceId).bind(instanceId).bind(credential.kind.rawValue).bind(credential.rule)
            .bind(document).bind(path).bind(credential.line > 0 ? credential.line : nil).bind(credential.keyId)
            .bind(redactor.fingerprint(credential.value)).bind(CredentialRedactor.preview(credential))
            .bind(credential.isExample).bind(place.rawValue).bind(scanner).run()
        counts.add("credential_findings")
    }

    /// Records a finding whose secret the scanner kept only as its own hash (detect-secrets).
    func hashedFinding(kind: DetectedCredential.Kind, rule: String, hash: String?, sourceId: Int, instanceId: String, path: String,
                       line: Int?, place: CredentialPlace, scanner: String, counts: inout RowCounts) throws {
        try insertFinding.bind(sourceId).bind(instanceId).bind(kind.rawValue).bind(rule)
            .bind(path).bind(path).bind(line).bind(nil as String?)
            .bind(nil as String?).bind("(\(scanner) keeps only a hash: \(hash.map { String($0.prefix(8)) + "…" } ?? "none"))")
            .bind(false).bind(place.rawValue).bind(scanner).run()
        counts.add("credential_findings")
    }
}
