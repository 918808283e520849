import Crypto
import Foundation
import GRDB

/// `invdb scan`: runs the credential detector over files collected from instances and over
/// environment dumps (`env` output, or `/proc/<pid>/environ` with its NUL separators), and
/// records every file it looked at, so that "scanned, nothing found" differs from "never scanned".
///
/// Each file belongs to the instance whose id is in its path (a folder `i-…/` or a file name
/// such as `i-….env`), or to `instance` for a single tree. One scan is one transaction.
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
        /// Files not scanned, with the reason (no instance id, binary, too large).
        public var skipped: [(path: String, reason: String)] = []
    }

    private let database: InvDatabase
    private let options: Options
    /// Files larger than this are recorded as not scanned, not read.
    static let maximumFileSize = 16 << 20

    public init(database: InvDatabase, options: Options) {
        self.database = database
        self.options = options
    }

    /// Scans `paths` (files or folders, recursively).
    ///
    /// - Throws: `InputError` for a path that does not exist; nothing is written then.
    public func run(paths: [String]) throws -> Summary {
        var files: [String] = []
        for path in paths {
            files += try Importer.expand(path, includeHidden: true).map(\.path)
        }
        var summary = Summary()
        try database.queue.write { db in
            var importOptions = ImportOptions()
            importOptions.now = options.now
            let run = try ImportRun(db: db, options: importOptions, databasePath: database.path)
            let file = try run.beginFile(path: paths.joined(separator: " "))
            let importId = file.importId
            let writer = try CredentialWriter(db: db)
            var replaced: Set<String> = []
            var hasher = SHA256Stream()
            for path in files {
                guard let instanceId = Self.instanceId(in: path) ?? options.instance else {
                    summary.skipped.append((path, "no instance id (i-…) in its path; pass --instance"))
                    continue
                }
                if !replaced.contains(instanceId) {
                    for kind in ["file", "environment"] {
                        try writer.replace(instanceId: instanceId, sourceKind: kind, scanner: "invdb", counts: &file.counts)
                    }
                    replaced.insert(instanceId)
                }
                let isEnvironment = Self.isEnvironmentDump(path)
                let place = isEnvironment ? CredentialPlace.scriptOrEnvironment : CredentialPlace.of(path: path)
                let sourceKind = isEnvironment ? "environment" : "file"
                let text: String
                do {
                    text = try Self.readText(path, hasher: &hasher, environment: isEnvironment, summary: &summary)
                } catch let error as DecodeError {
                    _ = try writer.source(instanceId: instanceId, kind: sourceKind, location: path, place: place, status: "error",
                                          detail: error.message, scanner: "invdb", importId: importId, counts: &file.counts)
                    summary.skipped.append((path, error.message))
                    continue
                }
                summary.files += 1
                summary.instances.insert(instanceId)
                let sourceId = try writer.source(instanceId: instanceId, kind: sourceKind, location: path, place: place,
                                                 status: text.isEmpty ? "empty" : "scanned", detail: nil, scanner: "invdb",
                                                 importId: importId, counts: &file.counts)
                for credential in CredentialDetector.scan(text) {
                    try writer.finding(credential, sourceId: sourceId, instanceId: instanceId, document: path, path: path,
                                       place: place, scanner: "invdb", redactor: try run.redactor(), counts: &file.counts)
                    summary.findings += 1
                }
            }
            try run.completeFile(file, kind: "host-scan", sha256: hasher.finalizeHex(), byteCount: summary.bytes)
        }
        return summary
    }

    /// SHA-256 over every scanned byte, for the scan's import record.
    struct SHA256Stream {
        private var hasher = SHA256()

        mutating func update(_ bytes: [UInt8]) { hasher.update(data: bytes) }

        func finalizeHex() -> String {
            hasher.finalize().map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
        }
    }

    /// The last instance id (`i-` and 8 or 17 hex digits) in a path, as a folder or file name.
    public static func instanceId(in path: String) -> String? {
        let bytes = Array(path.utf8)
        func isHex(_ byte: UInt8) -> Bool { (byte >= 48 && byte <= 57) || (byte >= 97 && byte <= 102) }
        func isAlphanumeric(_ byte: UInt8) -> Bool { isHex(byte) || (byte >= 65 && byte <= 90) || (byte >= 103 && byte <= 122) }
        var found: String?
        var index = 0
        while index + 10 <= bytes.count {
            if bytes[index] == UInt8(ascii: "i") && bytes[index + 1] == UInt8(ascii: "-") && (index == 0 || !isAlphanumeric(bytes[index - 1])) {
                var end = index + 2
                while end < bytes.count && isHex(bytes[end]) { end += 1 }
                let digits = end - index - 2
                if (digits == 17 || digits == 8) && (end == bytes.count || !isAlphanumeric(bytes[end])) {
                    found = String(decoding: bytes[index..<end], as: UTF8.self)
                }
                index = end
                continue
            }
            index += 1
        }
        return found
    }

    /// `env` output saved as `i-….env` or `env.txt`, or a `/proc/<pid>/environ` copy.
    static func isEnvironmentDump(_ path: String) -> Bool {
        let name = (path as NSString).lastPathComponent
        return name == "environ" || name.hasSuffix(".environ") || name == "env" || name == "env.txt"
            || (name.hasPrefix("i-") && name.hasSuffix(".env"))
    }

    private static func readText(_ path: String, hasher: inout SHA256Stream, environment: Bool,
                                 summary: inout Summary) throws -> String {
        var bytes = try FileTree.read(path, limit: maximumFileSize)
        hasher.update(bytes)
        summary.bytes += bytes.count
        if Gzip.isCompressed(bytes) { bytes = try Gzip.decompress(bytes) }
        if environment {
            // /proc/<pid>/environ separates variables with NUL.
            bytes = bytes.map { $0 == 0 ? 0x0A : $0 }
        } else if bytes.prefix(8192).contains(0) {
            throw DecodeError("binary file; not scanned")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return String(decoding: bytes, as: UTF8.self)
        }
        return text
    }
}
