import GRDB
import InvDBCore
import InvDBDetect
import InvDBJSON
import InvDBStore

/// Writes what a credential scan looked at and what it found, never the secret itself: every
/// text it stores (paths, documents, rules, details) is scrubbed of secrets first.
package final class CredentialWriter {
    private let db: Database

    package init(db: Database) {
        self.db = db
    }

    private static let insertSource = """
        INSERT INTO credential_sources(instance_id, source_kind, location, place, status, detail, scanner, import_id)
        VALUES (:instance_id, :source_kind, :location, :place, :status, :detail, :scanner, :import_id)
        """
    private static let insertFinding = """
        INSERT INTO credential_findings(source_id, instance_id, credential_kind, rule, document, path, line, key_id,
            fingerprint, preview, is_example, place, scanner)
        VALUES (:source_id, :instance_id, :credential_kind, :rule, :document, :path, :line, :key_id,
            :fingerprint, :preview, :is_example, :place, :scanner)
        """

    /// Forgets what an earlier import of the same kind of source said about an instance.
    package func replace(instanceId: String, sourceKind: CredentialSourceKind, scanner: CredentialScanner, counts: inout RowCounts) throws {
        try db.execute(sql: """
            DELETE FROM credential_findings WHERE source_id IN (
                SELECT source_id FROM credential_sources WHERE instance_id = ? AND source_kind = ? AND scanner = ?)
            """, arguments: [instanceId, sourceKind.rawValue, scanner.rawValue])
        try db.execute(sql: "DELETE FROM credential_sources WHERE instance_id = ? AND source_kind = ? AND scanner = ?",
                       arguments: [instanceId, sourceKind.rawValue, scanner.rawValue])
    }

    /// Records a source; returns its id.
    package func source(instanceId: String, kind: CredentialSourceKind, location: String, place: CredentialPlace, status: CredentialSourceStatus,
                detail: String?, scanner: CredentialScanner, importId: Int, counts: inout RowCounts) throws -> Int {
        try db.cachedStatement(sql: Self.insertSource).execute(arguments: [
            "instance_id": instanceId, "source_kind": kind.rawValue, "location": CredentialScrubber.scrubbed(location),
            "place": place.rawValue, "status": status.rawValue, "detail": detail.map(CredentialScrubber.scrubbed),
            "scanner": scanner.rawValue, "import_id": importId,
        ])
        counts.add(.credentialSources)
        return Int(db.lastInsertedRowID)
    }

    /// Records one detected credential under `sourceId`.
    package func finding(_ credential: DetectedCredential, sourceId: Int, instanceId: String, document: String, path: String?,
                 place: CredentialPlace, scanner: CredentialScanner, redactor: CredentialRedactor, counts: inout RowCounts) throws {
        try db.cachedStatement(sql: Self.insertFinding).execute(arguments: [
            "source_id": sourceId, "instance_id": instanceId, "credential_kind": credential.kind.rawValue,
            "rule": CredentialScrubber.scrubbed(credential.rule), "document": CredentialScrubber.scrubbed(document),
            "path": path.map(CredentialScrubber.scrubbed), "line": credential.line > 0 ? credential.line : nil, "key_id": credential.keyId,
            "fingerprint": redactor.fingerprint(credential.value), "preview": CredentialRedactor.preview(credential),
            "is_example": credential.isExample, "place": place.rawValue, "scanner": scanner.rawValue,
        ])
        counts.add(.credentialFindings)
    }

    /// Records a finding whose secret the scanner kept only as its own hash (detect-secrets).
    package func hashedFinding(kind: DetectedCredential.Kind, rule: String, hash: String?, sourceId: Int, instanceId: String, path: String,
                       line: Int?, place: CredentialPlace, scanner: CredentialScanner, counts: inout RowCounts) throws {
        try db.cachedStatement(sql: Self.insertFinding).execute(arguments: [
            "source_id": sourceId, "instance_id": instanceId, "credential_kind": kind.rawValue,
            "rule": CredentialScrubber.scrubbed(rule), "document": CredentialScrubber.scrubbed(path),
            "path": CredentialScrubber.scrubbed(path), "line": line, "key_id": nil, "fingerprint": nil,
            "preview": "(\(scanner.rawValue) keeps only a hash: \(hash.map { String($0.prefix(8)) + "…" } ?? "none"))",
            "is_example": false, "place": place.rawValue, "scanner": scanner.rawValue,
        ])
        counts.add(.credentialFindings)
    }
}
