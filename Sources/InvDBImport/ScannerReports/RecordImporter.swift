import InvDBCore
import InvDBDetect
import InvDBJSON
import InvDBStore

/// Collects each top-level document's members, then hands the whole record over: scanner
/// reports are small per record, and their identifying member is not always the first.
class RecordImporter: DocumentImporter {
    private var members: [JSONMember] = []
    /// Where the current document starts, for errors about its fields.
    private var start: RecordLocation?
    private var documents = 0

    func readMember(_ key: String, reader: JSONStreamReader, file: FileImport) throws {
        if start == nil { start = file.location(reader, "$[\(documents)]") }
        members.append(JSONMember(key: key, value: try reader.readValue()))
    }

    func readBufferedMember(_ member: JSONMember, file: FileImport) throws {
        members.append(member)
    }

    func endDocument(file: FileImport) throws {
        defer {
            members = []
            start = nil
            documents += 1
        }
        let location = start ?? RecordLocation(file: file.path, position: .init(line: 1, column: 1), jsonPath: "$[\(documents)]")
        try record(.object(members), location: location, file: file)
    }

    /// Handles one top-level document.
    func record(_ record: JSONValue, location: RecordLocation, file: FileImport) throws {}

    func finish(file: FileImport) throws {}

    var scrubsStrings: Bool { false }
}

extension JSONValue {
    /// The string at a path of member names (`value["a", "b"]`), nil when any step is missing.
    subscript(path first: String, _ rest: String...) -> JSONValue? {
        rest.reduce(self[first]) { $0?[$1] }
    }
}
