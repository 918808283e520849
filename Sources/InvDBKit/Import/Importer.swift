import Foundation
import GRDB

/// Imports files, folders (recursively) and standard input (`-`) into the database, all in one
/// transaction: either every file is imported, or (on the first bad file, without `keepGoing`)
/// nothing is.
///
/// ```swift
/// let summary = try Importer(database: database, options: ImportOptions()).run(paths: ["exports/"])
/// ```
public final class Importer {
    /// One file to import, and whether the user named it (rather than it being found in a folder).
    struct Input {
        var path: String
        var explicit: Bool
    }

    private let database: InvDatabase
    private let options: ImportOptions
    /// Called while a file is read, for a progress line.
    public var onProgress: ((ImportProgress) -> Void)?

    public init(database: InvDatabase, options: ImportOptions) {
        self.database = database
        self.options = options
    }

    /// Imports `paths`.
    ///
    /// - Throws: the first `InputError` (nothing is written) unless `keepGoing` is set, in which
    ///   case failures are in the summary and the good files are imported.
    public func run(paths: [String]) throws -> ImportSummary {
        var summary = ImportSummary()
        var inputs: [Input] = []
        for path in paths {
            do {
                inputs += try Self.expand(path)
            } catch let error as InputError where options.keepGoing {
                summary.outcomes.append(.failed(error))
            }
        }
        try database.queue.write { db in
            let run = try ImportRun(db: db, options: options, databasePath: database.path)
            var freshPlaces: Set<EC2InventoryWriter.Place> = []
            var unchangedListings: [(input: Input, places: Set<EC2InventoryWriter.Place>)] = []
            for input in inputs {
                let (outcome, touched) = try importInSavepoint(input, run: run, db: db, reimport: false)
                switch outcome {
                case .imported: freshPlaces.formUnion(touched)
                case .unchanged(_, .ec2DescribeInstances): unchangedListings.append((input, touched))
                default: break
                }
                summary.outcomes.append(outcome)
            }
            // Pages of one listing make one snapshot: an already-imported page given together
            // with new pages of the same account and region still belongs to the new snapshot.
            for listing in unchangedListings where !listing.places.isDisjoint(with: freshPlaces) {
                guard listing.input.path != "-" else {
                    run.warn("-: standard input repeats an earlier import and cannot be read twice; its instances are not in the new snapshot")
                    continue
                }
                let (outcome, _) = try importInSavepoint(listing.input, run: run, db: db, reimport: true)
                if let index = summary.outcomes.firstIndex(where: { if case .unchanged(listing.input.path, _) = $0 { return true } else { return false } }) {
                    summary.outcomes[index] = outcome
                }
            }
            try run.finish()
            summary.warnings = run.warnings
        }
        return summary
    }

    /// Imports one file in a savepoint of its own; returns what happened and the places
    /// (account and region) whose instances the file held.
    private func importInSavepoint(_ input: Input, run: ImportRun, db: Database,
                                   reimport: Bool) throws -> (FileOutcome, Set<EC2InventoryWriter.Place>) {
        let saved = run.ec2.checkpoint()
        run.ec2.touchedPlaces = []
        var outcome: FileOutcome = .skipped(path: input.path, reason: "")
        do {
            try db.inSavepoint {
                outcome = try importFile(input, run: run, db: db, reimport: reimport)
                if case .imported = outcome { return .commit }
                return .rollback
            }
        } catch let error as InputError {
            run.ec2.restore(saved)
            if !input.explicit && error.isSkippableInFolder {
                return (.skipped(path: input.path, reason: error.message), [])
            }
            if options.keepGoing { return (.failed(error), []) }
            throw error
        }
        let touched = run.ec2.touchedPlaces
        if case .imported = outcome { return (outcome, touched) }
        run.ec2.restore(saved)
        return (outcome, touched)
    }

    private func importFile(_ input: Input, run: ImportRun, db: Database, reimport: Bool) throws -> FileOutcome {
        let source = try ByteSource(path: input.path)
        if let onProgress {
            let expected = source.expectedSize
            source.onProgress = { onProgress(ImportProgress(path: input.path, bytesRead: $0, expectedBytes: expected)) }
        }
        let reader = JSONStreamReader(source: source)
        if try reader.peekPrefix(CredentialReportCSV.header.utf8.count) == Array(CredentialReportCSV.header.utf8) {
            return try importCredentialReportCSV(input, reader: reader, run: run, db: db, reimport: reimport)
        }
        try sniff(reader)

        let file = try run.beginFile(path: input.path)

        if try reader.peekValueStart() == .array {
            return try importArray(reader: reader, file: file, source: source, db: db, reimport: reimport)
        }
        var kind: InputKind?
        var importer: DocumentImporter?
        var memberNames: [String] = []
        repeat {
            try reader.beginObject()
            while let key = try reader.nextKey() {
                if memberNames.count < 5 { memberNames.append(key) }
                if let identified = InputKind.identified(byTopLevelKey: key) {
                    if kind == nil {
                        kind = identified
                        importer = Self.makeImporter(for: identified)
                    } else if identified != kind {
                        throw reader.error("member '\(key)' belongs to \(identified.command) output, but the document started as \(kind!.command) output", reason: .invalidRecord)
                    }
                }
                if let importer {
                    try importer.readMember(key, reader: reader, file: file)
                } else {
                    try reader.skipValue()
                }
            }
            try importer?.endDocument(file: file)
            let more = try kind?.allowsDocumentSequence == true && !reader.isAtEndOfInput()
            if !more { break }
        } while true
        try reader.expectEndOfInput()
        guard let kind, let importer else {
            throw InputError(.unknownKind, file: input.path, line: 1, column: 1,
                             message: "valid JSON, but not an input invdb knows (top-level members: \(memberNames.joined(separator: ", ")))")
        }
        try importer.finish(file: file)
        return try record(file, kind: kind, source: source, db: db, reimport: reimport)
    }

    /// A top-level JSON array: a gitleaks report (objects with `RuleID` and `File`).
    private func importArray(reader: JSONStreamReader, file: FileImport, source: ByteSource, db: Database,
                             reimport: Bool) throws -> FileOutcome {
        let importer = GitleaksImporter()
        try reader.beginArray()
        var index = 0
        while try reader.nextElement() {
            let location = file.location(reader, "$[\(index)]")
            let record = try reader.readValue()
            guard record["RuleID"] != nil, record["File"] != nil else {
                throw InputError(.unknownKind, file: file.path, line: location.position.line, column: location.position.column,
                                 message: "a JSON array, but not a gitleaks report (elements with RuleID and File)")
            }
            try importer.record(record, file: file)
            index += 1
        }
        try reader.expectEndOfInput()
        if index == 0 {
            throw InputError(.unknownKind, file: file.path, line: 1, column: 1, message: "an empty JSON array: nothing tells its kind")
        }
        return try record(file, kind: .gitleaksReport, source: source, db: db, reimport: reimport)
    }

    /// The credential report as CSV (the decoded `Content` of get-credential-report). It is small
    /// (a row per IAM user), so it is read whole.
    private func importCredentialReportCSV(_ input: Input, reader: JSONStreamReader, run: ImportRun, db: Database,
                                           reimport: Bool) throws -> FileOutcome {
        let bytes = try reader.peekPrefix((1 << 20) + 1)
        guard bytes.count <= 1 << 20 else {
            throw InputError(.invalidRecord, file: input.path, message: "a credential report larger than 1 MB is not supported")
        }
        guard let csv = String(validating: bytes, as: UTF8.self) else {
            throw InputError(.notJSON, file: input.path, message: "the credential report is not UTF-8 text")
        }
        try reader.source.drain()
        let file = try run.beginFile(path: input.path)
        try CredentialReportCSV.write(csv, generatedAt: nil, file: file,
                                      location: RecordLocation(file: input.path, position: .init(line: 1, column: 1), jsonPath: "$"))
        return try record(file, kind: .iamCredentialReport, source: reader.source, db: db, reimport: reimport)
    }

    /// Completes an import record, or reports the file as unchanged when its bytes were imported before.
    private func record(_ file: FileImport, kind: InputKind, source: ByteSource, db: Database, reimport: Bool) throws -> FileOutcome {
        let sha256 = source.sha256Hex()
        if !reimport, try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM imports WHERE sha256 = ? AND kind = ?)",
                                        arguments: [sha256, kind.rawValue]) == true {
            return .unchanged(path: file.path, kind: kind)
        }
        try file.run.completeFile(file, kind: kind.rawValue, sha256: sha256, byteCount: source.bytesRead)
        return .imported(path: file.path, kind: kind, counts: file.counts)
    }

    /// Rejects inputs that are not a JSON object before anything is written, with a reason a
    /// person can act on.
    private func sniff(_ reader: JSONStreamReader) throws {
        try reader.skipByteOrderMark()
        let prefix = try reader.peekPrefix(512)
        let name = reader.source.name
        if prefix.isEmpty {
            throw InputError(.notJSON, file: name, message: "the file is empty")
        }
        if prefix.starts(with: [0x1F, 0x8B]) {
            throw InputError(.notJSON, file: name, line: 1, column: 1, message: "gzip-compressed data, not JSON; decompress it first (gunzip)")
        }
        if let nul = prefix.firstIndex(of: 0) {
            throw InputError(.notJSON, file: name, message: "binary data (a NUL byte at offset \(nul)), not JSON")
        }
        switch try reader.peekValueStart() {
        case .object:
            return
        case .array:
            return
        case .endOfInput:
            throw InputError(.notJSON, file: name, message: "the file holds only white space")
        default:
            throw reader.error("not JSON: expected '{' (AWS CLI JSON output) at the start", reason: .notJSON)
        }
    }

    private static func makeImporter(for kind: InputKind) -> DocumentImporter {
        switch kind {
        case .ec2DescribeInstances: return DescribeInstancesImporter()
        case .ec2InstanceProfileAssociations: return ProfileAssociationsImporter()
        case .iamListInstanceProfiles, .iamGetInstanceProfile: return InstanceProfilesImporter()
        case .iamListRoles: return RolesImporter()
        case .iamAccountAuthorizationDetails: return AuthorizationDetailsImporter()
        case .stsCallerIdentity: return CallerIdentityImporter()
        case .ec2InstanceUserData: return UserDataImporter()
        case .iamListUsers: return UsersImporter()
        case .iamListAccessKeys: return AccessKeysImporter()
        case .iamCredentialReport: return CredentialReportImporter()
        case .trufflehogReport: return TrufflehogV3Importer()
        case .trufflehog2Report: return TrufflehogV2Importer()
        case .detectSecretsBaseline: return DetectSecretsImporter()
        case .kingfisherReport: return KingfisherImporter()
        case .gitleaksReport: return RecordImporter()
        }
    }

    /// The files a command-line path stands for: itself, `-`, or every file below a folder
    /// (sorted; hidden files and folders left out unless `includeHidden`, as host scans need
    /// `.aws/` and `.env`).
    static func expand(_ path: String, includeHidden: Bool = false) throws -> [Input] {
        if path == "-" { return [Input(path: "-", explicit: true)] }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputError(.unreadable, file: path, message: "no such file or folder")
        }
        guard isDirectory.boolValue else { return [Input(path: path, explicit: true)] }
        let files = FileTree.files(under: path, includeHidden: includeHidden)
        return files.sorted().map { Input(path: $0, explicit: false) }
    }
}
