import GRDB

/// The state of one `invdb import` run inside its transaction: the writers, the statements
/// shared by importers, and the warnings to print.
final class ImportRun {
    let db: Database
    let runId: Int
    let options: ImportOptions
    let ec2: EC2InventoryWriter
    let iam: IAMWriter
    private(set) var warnings: [String] = []
    /// Where the database is: the fingerprint key lives beside it.
    let databasePath: String
    private var redactorCache: CredentialRedactor?
    private var statements: [String: PreparedStatement] = [:]

    init(db: Database, options: ImportOptions, databasePath: String) throws {
        self.db = db
        self.databasePath = databasePath
        self.options = options
        try db.execute(sql: "INSERT INTO import_runs(started_at, invdb_version, account_override, region_override) VALUES (?, ?, ?, ?)",
                       arguments: [Timestamp.iso8601(options.now()), InvDB.version, options.account, options.region])
        runId = Int(db.lastInsertedRowID)
        ec2 = try EC2InventoryWriter(db: db, runId: runId)
        iam = try IAMWriter(db: db)
    }

    /// A statement prepared once per run.
    func statement(_ sql: String) throws -> PreparedStatement {
        if let cached = statements[sql] { return cached }
        let prepared = try PreparedStatement(db, sql)
        statements[sql] = prepared
        return prepared
    }

    /// Fingerprints and previews credentials under this database's key (created on first use).
    func redactor() throws -> CredentialRedactor {
        if let redactorCache { return redactorCache }
        let redactor = CredentialRedactor(key: try FingerprintKey.load(forDatabase: databasePath))
        redactorCache = redactor
        return redactor
    }

    func warn(_ message: String) {
        warnings.append(message)
    }

    /// Work done once at the end of the run, after every file.
    func finish() throws {
        try ec2.finishRun()
        // Associations name no region; take it from the instance when the run or an earlier one had it.
        try db.execute(sql: """
            UPDATE ec2_instance_profile_associations
            SET region = (SELECT i.region FROM ec2_instances AS i WHERE i.instance_id = ec2_instance_profile_associations.instance_id)
            WHERE region IS NULL
            """)
    }
}
