import Crypto
import Foundation
import GRDB
import InvDBCore
import InvDBDetect
import InvDBImport
import InvDBStore

/// `invdb scan`: runs the credential detector over files collected from instances and over
/// environment dumps (`env` output, `/proc/<pid>/environ` or `cmdline` with their NUL
/// separators), and records every file it looked at, so that "scanned, nothing found" differs
/// from "never scanned".
///
/// Which instance a file belongs to: `--instance` for everything; else a scan root that is itself
/// an instance folder (`…/i-0abc…`) or file (`i-0abc….env`); else the instance folder or file
/// directly under the root. A scan replaces the earlier host-scan results of the instances it
/// scanned, and of no other. The tree is hostile: symbolic links are never followed (they could
/// point at the scanning machine's own files) and are recorded as not read, like FIFOs and
/// devices; a folder that cannot be listed and a file that cannot be read make the instance
/// `error` ("not fully scanned"). One scan is one transaction.
public final class HostScanner {
    public struct Options: Sendable {
        /// The instance every file belongs to (`--instance`), for a tree without ids in its paths.
        public var instance: String?
        public var now: @Sendable () -> Date = { Clock.now() }

        public init(instance: String? = nil) {
            self.instance = instance
        }
    }

    /// What a scan did.
    public struct Summary: Sendable {
        public var files = 0
        public var instances: Set<String> = []
        public var findings = 0
        public var bytes = 0
        /// Paths not scanned, with the reason (no instance, a link, unreadable, too large).
        public var skipped: [(path: String, reason: String)] = []
    }

    private let database: InvDatabase
    private let options: Options
    /// Files larger than this are recorded as not scanned (`error`), not read.
    static let maximumFileSize = 16 << 20

    public init(database: InvDatabase, options: Options) {
        self.database = database
        self.options = options
    }

    /// Scans `paths` (files or folders, recursively).
    ///
    /// - Throws: `InputError` for a path that does not exist or is not a regular file or folder;
    ///   nothing is written then.
    public func run(paths: [String]) throws -> Summary {
        for path in paths {
            switch FileTree.kind(of: path) {
            case .missing: throw InputError(.unreadable, file: path, message: "no such file or folder")
            case .other(let reason): throw InputError(.unreadable, file: path, message: reason)
            case .file, .folder: break
            }
        }
        var summary = Summary()
        try database.write { db in
            var importOptions = ImportOptions()
            importOptions.now = options.now
            let run = try ImportRun(db: db, options: importOptions, databasePath: database.path)
            let file = try run.beginFile(path: paths.joined(separator: " "))
            let scan = Scan(writer: CredentialWriter(db: db), file: file, redactor: try run.redactor())
            for root in paths {
                try scanRoot(root, scan: scan, summary: &summary)
            }
            try run.completeFile(file, kind: .hostScan, sha256: scan.hasher.finalizeHex(), byteCount: summary.bytes)
        }
        return summary
    }

    /// The state of one scan run.
    private final class Scan {
        let writer: CredentialWriter
        let file: FileImport
        let redactor: CredentialRedactor
        var replaced: Set<String> = []
        var hasher = SHA256Stream()

        init(writer: CredentialWriter, file: FileImport, redactor: CredentialRedactor) {
            self.writer = writer
            self.file = file
            self.redactor = redactor
        }

        /// Forgets the earlier host-scan results of `instanceId`, once per run.
        func claim(_ instanceId: String) throws {
            guard replaced.insert(instanceId).inserted else { return }
            for kind in [CredentialSourceKind.file, .environment] {
                try writer.replace(instanceId: instanceId, sourceKind: kind, scanner: .invdb, counts: &file.counts)
            }
        }

        func record(_ instanceId: String, kind: CredentialSourceKind, path: String, status: CredentialSourceStatus, detail: String?) throws -> Int {
            try writer.source(instanceId: instanceId, kind: kind, location: path, place: Self.place(of: path, kind: kind), status: status,
                              detail: detail, scanner: .invdb, importId: file.importId, counts: &file.counts)
        }

        static func place(of path: String, kind: CredentialSourceKind) -> CredentialPlace {
            kind == .environment ? .scriptOrEnvironment : CredentialPlace.of(path: path)
        }
    }

    private func scanRoot(_ root: String, scan: Scan, summary: inout Summary) throws {
        let rootName = (root as NSString).lastPathComponent
        if let instance = options.instance ?? InstanceId.of(name: rootName) {
            try scanTree(root, instanceId: instance, scan: scan, summary: &summary)
            return
        }
        guard FileTree.kind(of: root) == .folder else {
            summary.skipped.append((root, "no instance id in its name (i-….env); pass --instance"))
            return
        }
        let children: [FileTree.Entry]
        switch FileTree.children(of: root) {
        case .success(let listed): children = listed
        case .failure(let problem): throw InputError(.unreadable, file: root, message: "the folder cannot be read: \(problem.message)")
        }
        for entry in children {
            let name = (entry.path as NSString).lastPathComponent
            guard let instance = InstanceId.of(name: name) else {
                summary.skipped.append((entry.path, "not an instance folder (i-…) or file (i-….env) directly under the scan root; pass --instance for a single instance"))
                continue
            }
            if case .folder = entry {
                try scanTree(entry.path, instanceId: instance, scan: scan, summary: &summary)
            } else {
                try scanTree(entry.path, instanceId: instance, scan: scan, summary: &summary, entry: entry)
            }
        }
    }

    /// Scans everything under `root` as files of `instanceId`.
    private func scanTree(_ root: String, instanceId: String, scan: Scan, summary: inout Summary,
                          entry single: FileTree.Entry? = nil) throws {
        try scan.claim(instanceId)
        summary.instances.insert(instanceId)
        var looked = 0
        func visit(_ entry: FileTree.Entry) throws {
            if case .folder = entry {} else { looked += 1 }
            switch entry {
            case .file(let path):
                try scanFile(path, instanceId: instanceId, scan: scan, summary: &summary)
            case .symbolicLink(let path):
                _ = try scan.record(instanceId, kind: .file, path: path, status: .notRead, detail: "a symbolic link, not followed")
                summary.skipped.append((path, "a symbolic link, not followed"))
            case .special(let path, let kind):
                _ = try scan.record(instanceId, kind: .file, path: path, status: .notRead, detail: "\(kind), not read")
                summary.skipped.append((path, "\(kind), not read"))
            case .unreadable(let path, let reason):
                _ = try scan.record(instanceId, kind: .file, path: path, status: .error, detail: "cannot be read (\(reason)): not fully scanned")
                summary.skipped.append((path, "cannot be read (\(reason)): the instance is not fully scanned"))
            case .folder(let path):
                try FileTree.walk(path, includeHidden: true, visit)
            }
        }
        if let single {
            try visit(single)
        } else if FileTree.kind(of: root) == .file {
            try visit(.file(root))
        } else {
            try visit(.folder(root))
        }
        if looked == 0 {
            _ = try scan.record(instanceId, kind: .file, path: root, status: .empty, detail: "an empty folder")
        }
    }

    private func scanFile(_ path: String, instanceId: String, scan: Scan, summary: inout Summary) throws {
        let name = (path as NSString).lastPathComponent
        let isEnvironment = CredentialPlace.isEnvironmentDump(name)
        let kind: CredentialSourceKind = isEnvironment ? .environment : .file
        let text: String
        let detail: String?
        do {
            (text, detail) = try Self.readText(path, hasher: &scan.hasher, nulSeparated: isEnvironment || name == "cmdline", summary: &summary)
        } catch let problem as FileTree.FileProblem {
            _ = try scan.record(instanceId, kind: kind, path: path, status: .error, detail: problem.message)
            summary.skipped.append((path, problem.message))
            return
        } catch let problem as DecodeError {
            _ = try scan.record(instanceId, kind: kind, path: path, status: .error, detail: problem.message)
            summary.skipped.append((path, problem.message))
            return
        }
        summary.files += 1
        let sourceId = try scan.record(instanceId, kind: kind, path: path, status: text.isEmpty ? .empty : .scanned, detail: detail)
        let place = Scan.place(of: path, kind: kind)
        for credential in CredentialDetector.scan(text) {
            try scan.writer.finding(credential, sourceId: sourceId, instanceId: instanceId, document: path, path: path,
                                    place: place, scanner: .invdb, redactor: scan.redactor, counts: &scan.file.counts)
            summary.findings += 1
        }
        // Text in base64 inside the file (`echo … | base64 -d > ~/.aws/credentials`): findings
        // at the blob's line.
        for blob in EmbeddedBase64.textBlobs(in: text, limit: Self.maximumFileSize) {
            for var credential in CredentialDetector.scan(blob.text) {
                credential.line = blob.line
                try scan.writer.finding(credential, sourceId: sourceId, instanceId: instanceId, document: "\(path) (base64 at line \(blob.line))",
                                        path: path, place: place, scanner: .invdb, redactor: scan.redactor, counts: &scan.file.counts)
                summary.findings += 1
            }
        }
    }

    /// SHA-256 over every scanned byte, for the scan's import record.
    struct SHA256Stream {
        private var hasher = SHA256()

        mutating func update(_ bytes: [UInt8]) { hasher.update(data: bytes) }

        func finalizeHex() -> String {
            Hex.string(hasher.finalize())
        }
    }

    /// A file's text: gzip is decompressed (within the same size limit), NUL-separated dumps
    /// (`environ`, `cmdline`) become lines, and binary files are read the way `strings` reads
    /// them: their printable runs, one per line. Returns the text and what was done to it.
    private static func readText(_ path: String, hasher: inout SHA256Stream, nulSeparated: Bool,
                                 summary: inout Summary) throws -> (String, String?) {
        var bytes = try FileTree.read(path, limit: maximumFileSize)
        hasher.update(bytes)
        summary.bytes += bytes.count
        var detail: String?
        if Gzip.isCompressed(bytes) {
            bytes = try Gzip.decompress(bytes, limit: maximumFileSize)
            detail = "gzip"
        }
        if nulSeparated {
            bytes = bytes.map { $0 == 0 ? 0x0A : $0 }
        } else if bytes.prefix(8192).contains(0) {
            bytes = printableRuns(bytes)
            detail = (detail.map { $0 + " " } ?? "") + "binary: printable runs"
        }
        return (String(decoding: bytes, as: UTF8.self), detail)
    }

    /// The runs of printable ASCII (and tabs) of at least four bytes, one per line, as
    /// `strings` prints them.
    static func printableRuns(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count / 2)
        var runStart = -1
        for index in 0...bytes.count {
            let printable = index < bytes.count && ((bytes[index] >= 0x20 && bytes[index] < 0x7F) || bytes[index] == 0x09)
            if printable {
                if runStart < 0 { runStart = index }
            } else if runStart >= 0 {
                if index - runStart >= 4 {
                    output.append(contentsOf: bytes[runStart..<index])
                    output.append(0x0A)
                }
                runStart = -1
            }
        }
        return output
    }
}
