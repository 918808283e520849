import InvDBCore
import InvDBDetect
import InvDBJSON
import InvDBStore

/// Imports `aws ec2 describe-instance-attribute --attribute userData` output: one document per
/// file, or a JSON-lines file of many. Each instance's user data is decoded layer by layer and
/// scanned for credentials on the spot; only findings (fingerprinted, redacted) are stored.
final class UserDataImporter: DocumentImporter {
    private var instanceId: String?
    private var value: String?
    private var hasUserData = false
    private var documentStart: RecordLocation?
    private var documents = 0
    private var writer: CredentialWriter?

    func readMember(_ key: String, reader: JSONStreamReader, file: FileImport) throws {
        if documentStart == nil { documentStart = file.location(reader, "$[\(documents)]") }
        switch key {
        case "InstanceId":
            let location = file.location(reader, "$.InstanceId")
            guard try reader.peekValueStart() == .string else { throw location.invalid("InstanceId should be a string") }
            let id = try reader.readString()
            guard InstanceId.isValid(id) else { throw location.invalid("InstanceId is not an instance id (i- and 8 or 17 hex digits)") }
            instanceId = id
        case "UserData":
            hasUserData = true
            let location = file.location(reader, "$.UserData")
            // The value is decoded and scanned below and never stored; it is read as it is.
            let userData = try reader.withoutScrubbing { try reader.readValue() }
            guard case .object = userData else {
                throw location.invalid("UserData should be an object, found \(userData.kindName)")
            }
            value = try location.optionalString(userData, "Value")
        default:
            try reader.skipValue()
        }
    }

    func endDocument(file: FileImport) throws {
        defer {
            instanceId = nil
            value = nil
            hasUserData = false
            documentStart = nil
            documents += 1
        }
        let location = documentStart ?? RecordLocation(file: file.path, position: .init(line: 1, column: 1), jsonPath: "$")
        guard hasUserData else {
            throw InputError(.unknownKind, file: file.path, line: location.position.line, column: location.position.column,
                             message: "describe-instance-attribute output without UserData (another attribute?); invdb imports --attribute userData")
        }
        guard let instanceId, !instanceId.isEmpty else { throw location.invalid("InstanceId is missing") }
        if writer == nil { writer = CredentialWriter(db: file.run.db) }
        let writer = writer!
        try writer.replace(instanceId: instanceId, sourceKind: .userData, scanner: .invdb, counts: &file.counts)
        guard let value, !value.isEmpty else {
            _ = try writer.source(instanceId: instanceId, kind: .userData, location: "user-data", place: .scriptOrEnvironment,
                                  status: .empty, detail: nil, scanner: .invdb, importId: file.importId, counts: &file.counts)
            return
        }
        let decoding = UserDataDecoder.decode(apiValue: value)
        let layers = Array(Set(decoding.documents.flatMap(\.layers))).sorted().joined(separator: " ")
        let status: CredentialSourceStatus = decoding.errors.isEmpty ? .scanned : .error
        let detail = decoding.errors.isEmpty ? layers : decoding.errors.prefix(5).joined(separator: "; ")
        let sourceId = try writer.source(instanceId: instanceId, kind: .userData, location: "user-data", place: .scriptOrEnvironment,
                                         status: status, detail: detail, scanner: .invdb, importId: file.importId, counts: &file.counts)
        let redactor = try file.run.redactor()
        for document in decoding.documents {
            let place = CredentialPlace.of(path: document.path)
            for var credential in CredentialDetector.scan(document.text) {
                if let line = document.blobLine { credential.line = line }
                try writer.finding(credential, sourceId: sourceId, instanceId: instanceId, document: document.name, path: document.path,
                                   place: place, scanner: .invdb, redactor: redactor, counts: &file.counts)
            }
        }
    }

    func finish(file: FileImport) throws {}
}
