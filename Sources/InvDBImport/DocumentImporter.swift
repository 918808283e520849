import InvDBCore
import InvDBDetect
import InvDBJSON
import InvDBStore

/// Reads the top-level members of one document of a known kind and writes its rows.
///
/// The import run creates one importer per file once the file's kind is known, hands it each
/// top-level member (with the reader placed on the member's value), then calls `finish`.
protocol DocumentImporter: AnyObject {
    /// Handles the member `key`; must consume its value (read or skip it).
    func readMember(_ key: String, reader: JSONStreamReader, file: FileImport) throws
    /// Handles a member that was read (whole, at most 1 MB) before a later member told the
    /// document's kind.
    func readBufferedMember(_ member: JSONMember, file: FileImport) throws
    /// Called after each top-level document (a file of JSON lines holds several).
    func endDocument(file: FileImport) throws
    /// Called after the whole file was read.
    func finish(file: FileImport) throws
    /// Whether the reader redacts secrets from strings before this importer sees them (true for
    /// everything stored as read; false for scanner reports, whose importers fingerprint the
    /// secrets themselves and store only what `CredentialWriter` scrubs).
    var scrubsStrings: Bool { get }
}

extension DocumentImporter {
    func endDocument(file: FileImport) throws {}
    func readBufferedMember(_ member: JSONMember, file: FileImport) throws {}
    var scrubsStrings: Bool { true }
}

/// What an import run knows about the file being imported.
package final class FileImport {
    package let path: String
    package let importId: Int
    package let run: ImportRun
    package var counts = RowCounts()
    /// Redacts secrets from the file's strings as the reader reads them (see `CredentialScrubber`).
    let scrubber = CredentialScrubber()
    /// The account and region the data turned out to belong to (first one seen).
    var account: String?
    var region: String?

    init(path: String, importId: Int, run: ImportRun) {
        self.path = path
        self.importId = importId
        self.run = run
    }

    /// Accounts of this file that are not 12 digits, warned about once each.
    private var placeholderAccounts: Set<String> = []

    /// Notes the account (and region) of data just read, if none is noted yet. An account id
    /// that is not 12 digits (`OWNER_ACCOUNT_ID`, `nnnnnnn` in documentation examples) gets one
    /// warning: its data is kept under that id, apart from every real account.
    func noteOrigin(account: String?, region: String? = nil) {
        if let account, !AWSAccount.isValid(account), placeholderAccounts.insert(account).inserted {
            run.warn("\(path): account id '\(SafeText.quote(account, limit: 40))' is not 12 digits (a placeholder from documentation?); its data is kept apart from real accounts")
        }
        if self.account == nil { self.account = account }
        if self.region == nil { self.region = region }
    }

    /// A line number reported by a scanner (`field` names it in the error), nil when absent.
    ///
    /// - Throws: `InputError` when it is not an integer from 0 to 2^31-1 (a 26-digit line
    ///   number is an error, never a wrapped value).
    func lineNumber(_ value: JSONValue?, at field: String) throws -> Int? {
        guard let value, value != .null else { return nil }
        do {
            return try value.integer(in: 0...Int(Int32.max))
        } catch .wrongType(let found) {
            throw InputError(.invalidRecord, file: path, message: "\(field) should be a line number, found \(found)")
        } catch .outOfRange {
            throw InputError(.invalidRecord, file: path, message: "\(field) is out of range for a line number (0 to 2147483647)")
        }
    }

    /// A location inside this file.
    func location(_ reader: JSONStreamReader, _ jsonPath: String) -> RecordLocation {
        RecordLocation(file: path, position: reader.position, jsonPath: jsonPath)
    }

    /// Reads the array member the reader is on, handing each element to `body` with its location.
    func forEachElement(of reader: JSONStreamReader, path jsonPath: String,
                        _ body: (JSONValue, RecordLocation) throws -> Void) throws {
        guard try reader.peekValueStart() == .array else {
            throw location(reader, jsonPath).invalid("expected an array")
        }
        try reader.beginArray()
        var index = 0
        while try reader.nextElement() {
            let elementLocation = location(reader, "\(jsonPath)[\(index)]")
            let value = try reader.readValue()
            try body(value, elementLocation)
            index += 1
        }
    }
}
