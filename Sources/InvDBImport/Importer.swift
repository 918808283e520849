import Foundation
import GRDB
import InvDBCore
import InvDBDetect
import InvDBJSON
import InvDBStore

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
                inputs += try Self.expand(path, skipped: &summary.outcomes)
            } catch let error as InputError where options.keepGoing {
                summary.outcomes.append(.failed(error))
            }
        }
        try database.write { db in
            let run = try ImportRun(db: db, options: options, databasePath: database.path)
            for input in inputs {
                summary.outcomes.append(try importInSavepoint(input, run: run, db: db))
            }
            try run.finish()
            summary.warnings = run.warnings
        }
        return summary
    }

    /// Imports one file in a savepoint of its own and says what happened.
    private func importInSavepoint(_ input: Input, run: ImportRun, db: Database) throws -> FileOutcome {
        let saved = run.ec2.checkpoint()
        let savedWarnings = run.warnings.count
        run.ec2.touchedPlaces = []
        var outcome: FileOutcome = .skipped(path: input.path, reason: "")
        do {
            try db.inSavepoint {
                outcome = try importFile(input, run: run, db: db)
                return .commit
            }
        } catch let error as InputError {
            run.ec2.restore(saved)
            run.dropWarnings(after: savedWarnings)
            if !input.explicit && error.isSkippableInFolder {
                return .skipped(path: input.path, reason: error.message)
            }
            if options.keepGoing { return .failed(error) }
            throw error
        }
        return outcome
    }

    /// The most a gzip input may inflate to: a CloudTrail log file is tens of megabytes; beyond
    /// this, it is a decompression bomb.
    static let maximumInflatedBytes = 4 << 30

    private func importFile(_ input: Input, run: ImportRun, db: Database) throws -> FileOutcome {
        let source = try ByteSource(path: input.path)
        // gzip (CloudTrail's S3 files, or any listing kept compressed) is read through zlib.
        if Gzip.isCompressed(try source.peekRaw(2)) {
            source.filter = try GzipStream(limit: Self.maximumInflatedBytes)
        }
        if let onProgress {
            let expected = source.expectedSize
            source.onProgress = { onProgress(ImportProgress(path: input.path, bytesRead: $0, expectedBytes: expected)) }
        }
        let reader = JSONStreamReader(source: source)
        if try reader.peekPrefix(CredentialReportCSV.header.utf8.count) == Array(CredentialReportCSV.header.utf8) {
            return try importCredentialReportCSV(input, reader: reader, run: run)
        }
        try sniff(reader)

        let file = try run.beginFile(path: input.path)
        reader.scrubber = file.scrubber

        switch try reader.peekValueStart() {
        case .array:
            reader.scrubber = nil   // scanner reports: the importer reads the secrets itself, to fingerprint them
            return try importArray(reader: reader, file: file, source: source)
        case .literal where try reader.peekPrefix(4) == Array("null".utf8):
            return try importNull(reader: reader, file: file, source: source)
        default:
            break
        }
        var kind: InputKind?
        var importer: DocumentImporter?
        var memberNames: [String] = []
        /// Members read before anything told the kind, handed to the importer once it is known.
        var buffered: [JSONMember] = []
        repeat {
            try reader.beginObject()
            while let key = try reader.nextKey() {
                if memberNames.count < 5 { memberNames.append(SafeText.quote(key, limit: 40)) }
                if let identified = InputKind.identified(byTopLevelKey: key) {
                    if kind == nil {
                        kind = identified
                        let made = Self.makeImporter(for: identified)
                        if !made.scrubsStrings { reader.scrubber = nil }
                        importer = made
                        for member in buffered { try made.readBufferedMember(member, file: file) }
                        buffered = []
                    } else if identified != kind {
                        throw reader.error("member '\(SafeText.quote(key, limit: 40))' belongs to \(identified.command) output, but the document started as \(kind!.command) output", reason: .invalidRecord)
                    }
                }
                if let importer {
                    try importer.readMember(key, reader: reader, file: file)
                } else {
                    buffered.append(JSONMember(key: key, value: try reader.readValue(maximumBytes: 1 << 20)))
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
        let leftover = file.scrubber.takeFound()
        if !leftover.isEmpty {
            let places = Set(leftover.map { SafeText.quote($0.context.siblingKey.map { "tag " + $0 } ?? $0.context.memberName ?? "a member name", limit: 40) })
            run.warn("\(input.path): \(leftover.count) secret\(leftover.count == 1 ? "" : "s") (in \(places.sorted().joined(separator: ", "))) redacted before storage")
        }
        return try record(file, kind: kind, source: source)
    }

    /// A top-level JSON array: a gitleaks report (8.x `{RuleID, File, …}` or 3.x–7.x `{offender,
    /// rule, file, …}` elements) or a Kingfisher 1.x report (`{id, matches}` groups). An empty
    /// array is a clean gitleaks run.
    private func importArray(reader: JSONStreamReader, file: FileImport, source: ByteSource) throws -> FileOutcome {
        try reader.beginArray()
        var index = 0
        var kind = InputKind.gitleaksReport
        var gitleaks: (layout: GitleaksReport.Layout, writer: ScannerReportWriter)?
        var kingfisher: KingfisherImporter?
        while try reader.nextElement() {
            let location = file.location(reader, "$[\(index)]")
            let record = try reader.readValue()
            if index == 0 {
                if let layout = GitleaksReport.layout(of: record) {
                    gitleaks = (layout, ScannerReportWriter(scanner: .gitleaks))
                } else if record["matches"] != nil && record["id"] != nil {
                    kind = .kingfisherReport
                    kingfisher = KingfisherImporter()
                } else {
                    throw InputError(.unknownKind, file: file.path, line: location.position.line, column: location.position.column,
                                     message: "a JSON array, but not a scanner report invdb knows (gitleaks or Kingfisher)")
                }
            }
            if let gitleaks {
                guard GitleaksReport.layout(of: record) == gitleaks.layout else {
                    throw location.invalid("every element of a gitleaks report should have the same members as the first")
                }
                if let finding = try GitleaksReport.finding(record, layout: gitleaks.layout, location: location) {
                    try gitleaks.writer.write(finding, file: file)
                }
            } else if let kingfisher {
                try kingfisher.group(record, location: location, file: file)
            }
            index += 1
        }
        try reader.expectEndOfInput()
        if let kingfisher {
            try kingfisher.finish(file: file)
        } else {
            try (gitleaks?.writer ?? ScannerReportWriter(scanner: .gitleaks)).finish(file: file)
        }
        return try record(file, kind: kind, source: source)
    }

    /// `null` alone: what a fork of gitleaks wrote for a clean run.
    private func importNull(reader: JSONStreamReader, file: FileImport, source: ByteSource) throws -> FileOutcome {
        _ = try reader.readValue()
        try reader.expectEndOfInput()
        try ScannerReportWriter(scanner: .gitleaks).finish(file: file)
        return try record(file, kind: .gitleaksReport, source: source)
    }

    /// The credential report as CSV (the decoded `Content` of get-credential-report). It is small
    /// (a row per IAM user), so it is read whole.
    private func importCredentialReportCSV(_ input: Input, reader: JSONStreamReader, run: ImportRun) throws -> FileOutcome {
        let limit = 16 << 20
        let bytes = try reader.peekPrefix(limit + 1)
        guard bytes.count <= limit else {
            throw InputError(.invalidRecord, file: input.path, message: "a credential report larger than 16 MB is not supported")
        }
        guard let csv = String(validating: bytes, as: UTF8.self) else {
            throw InputError(.notJSON, file: input.path, message: "the credential report is not UTF-8 text")
        }
        try reader.source.drain()
        let file = try run.beginFile(path: input.path)
        try CredentialReportCSV.write(csv, generatedAt: nil, file: file,
                                      location: RecordLocation(file: input.path, position: .init(line: 1, column: 1), jsonPath: "$"))
        return try record(file, kind: .iamCredentialReport, source: reader.source)
    }

    /// Completes the import record of a file.
    private func record(_ file: FileImport, kind: InputKind, source: ByteSource) throws -> FileOutcome {
        let sha256 = source.sha256Hex()
        try file.run.completeFile(file, kind: .input(kind), sha256: sha256, byteCount: source.bytesRead)
        if kind.isCloudTrail { try file.run.cloudTrail().replaceEarlierImports(of: file, sha256: sha256) }
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
        if Gzip.isCompressed(prefix) {
            throw InputError(.notJSON, file: name, line: 1, column: 1, message: "gzip-compressed data inside gzip, not JSON")
        }
        if let nul = prefix.firstIndex(of: 0) {
            throw InputError(.notJSON, file: name, message: "binary data (a NUL byte at offset \(nul)), not JSON")
        }
        switch try reader.peekValueStart() {
        case .object, .array:
            // `[Unit]` (a systemd unit) or `{% raw %}` start like JSON; the next byte tells.
            let head = try reader.peekPrefix(2048).drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }.dropFirst()
            guard let next = head.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) else { return }
            let opensObject = try reader.peekValueStart() == .object
            let valid: Set<UInt8> = opensObject ? [UInt8(ascii: "\""), UInt8(ascii: "}")]
                : Set(Array("{[\"-0123456789tfn]".utf8))
            guard valid.contains(next) else {
                throw reader.error("not JSON: the first value is not a JSON \(opensObject ? "object" : "array")", reason: .notJSON)
            }
        case .literal where try reader.peekPrefix(4) == Array("null".utf8):
            return   // a clean scanner run (see importNull)
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
        case .gitleaksReport: return GitleaksLinesImporter()
        case .cloudTrailLog: return CloudTrailLogImporter()
        case .cloudTrailLookupEvents: return LookupEventsImporter()
        case .cloudTrailDigest: return CloudTrailDigestImporter()
        case .ec2DescribeAddresses: return AddressesImporter()
        case .ec2DescribeNatGateways: return NatGatewaysImporter()
        case .ec2DescribeRouteTables: return RouteTablesImporter()
        case .ec2DescribeSubnets: return SubnetsImporter()
        case .ec2DescribeVpcEndpoints: return VpcEndpointsImporter()
        }
    }

    /// The files a command-line path stands for: itself, `-`, or every regular file below a
    /// folder (sorted; hidden files and folders left out). Inside a folder, symbolic links are
    /// not followed and FIFOs, sockets and devices are not opened: they are listed as skipped.
    ///
    /// - Throws: `InputError` for a path that does not exist or is not a regular file or
    ///   folder, and for a folder below it that cannot be read.
    static func expand(_ path: String, skipped: inout [FileOutcome]) throws -> [Input] {
        if path == "-" { return [Input(path: "-", explicit: true)] }
        switch FileTree.kind(of: path) {
        case .missing: throw InputError(.unreadable, file: path, message: "no such file or folder")
        case .other(let reason): throw InputError(.unreadable, file: path, message: reason)
        case .file: return [Input(path: path, explicit: true)]
        case .folder: break
        }
        var inputs: [Input] = []
        var unreadable: InputError?
        FileTree.walk(path, includeHidden: false) { entry in
            switch entry {
            case .file(let file): inputs.append(Input(path: file, explicit: false))
            case .symbolicLink(let link): skipped.append(.skipped(path: link, reason: "a symbolic link, not followed inside a folder"))
            case .special(let special, let kind): skipped.append(.skipped(path: special, reason: "\(kind), not a regular file"))
            case .folder: break
            case .unreadable(let folder, let reason):
                if unreadable == nil { unreadable = InputError(.unreadable, file: folder, message: "cannot be read (\(reason)), so the import would be incomplete") }
            }
        }
        if let unreadable { throw unreadable }
        return inputs
    }
}
