import GRDB
import InvDBCore
import InvDBDetect
import InvDBJSON
import InvDBStore

/// The state of one `invdb import` run inside its transaction: the writers, the statements
/// shared by importers, and the warnings to print.
package final class ImportRun {
    let db: Database
    let runId: Int
    let options: ImportOptions
    let ec2: EC2InventoryWriter
    let iam: IAMWriter
    private(set) var warnings: [String] = []
    /// Where the database is: the fingerprint key lives beside it.
    let databasePath: String
    private var redactorCache: CredentialRedactor?
    private var cloudTrailWriter: CloudTrailWriter?

    package init(db: Database, options: ImportOptions, databasePath: String) throws {
        self.db = db
        self.databasePath = databasePath
        self.options = options
        try db.execute(sql: "INSERT INTO import_runs(started_at, invdb_version, account_override, region_override) VALUES (?, ?, ?, ?)",
                       arguments: [Timestamp.iso8601(options.now()), InvDB.version, options.account, options.region])
        runId = Int(db.lastInsertedRowID)
        ec2 = try EC2InventoryWriter(db: db, runId: runId)
        iam = IAMWriter(db: db)
    }

    /// Starts the import record of one file (completed by `completeFile`), inside the run's
    /// transaction: rows the file writes can point at it.
    package func beginFile(path: String) throws -> FileImport {
        try db.execute(sql: """
            INSERT INTO imports(run_id, path, sha256, kind, imported_at, byte_count, row_counts)
            VALUES (?, ?, '', '', ?, 0, '{}')
            """, arguments: [runId, path, Timestamp.iso8601(options.now())])
        return FileImport(path: path, importId: Int(db.lastInsertedRowID), run: self)
    }

    /// Completes a file's import record: its kind, hash, size and the rows it wrote.
    package func completeFile(_ file: FileImport, kind: ImportRecordKind, sha256: String, byteCount: Int) throws {
        try db.execute(sql: """
            UPDATE imports SET sha256 = ?, kind = ?, account_id = ?, region = ?, byte_count = ?, row_counts = ?
            WHERE import_id = ?
            """, arguments: [sha256, kind.rawValue, file.account, file.region, byteCount, file.counts.json, file.importId])
    }

    /// The writer of CloudTrail aggregates (made on first use; one per run, so that a record
    /// seen in two files of the run counts once).
    func cloudTrail() throws -> CloudTrailWriter {
        if let cloudTrailWriter { return cloudTrailWriter }
        let writer = try CloudTrailWriter(db: db)
        try writer.startRun()
        cloudTrailWriter = writer
        return writer
    }

    /// Fingerprints and previews credentials under this database's key (created on first use).
    package func redactor() throws -> CredentialRedactor {
        if let redactorCache { return redactorCache }
        let redactor = CredentialRedactor(key: try FingerprintKey.load(forDatabase: databasePath))
        redactorCache = redactor
        return redactor
    }

    func warn(_ message: String) {
        warnings.append(message)
    }

    /// Forgets the warnings of a file whose import was rolled back.
    func dropWarnings(after count: Int) {
        if warnings.count > count { warnings.removeLast(warnings.count - count) }
    }

    /// Work done once at the end of the run, after every file.
    func finish() throws {
        for warning in try ec2.finishRun() { warn(warning) }
        // Associations name no region; take it from the instance when the run or an earlier one had it.
        try db.execute(sql: """
            UPDATE ec2_instance_profile_associations
            SET region = (SELECT i.region FROM ec2_instances AS i WHERE i.instance_id = ec2_instance_profile_associations.instance_id)
            WHERE region IS NULL
            """)
    }
}
