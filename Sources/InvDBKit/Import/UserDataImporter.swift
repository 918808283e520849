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
            instanceId = try reader.readString()
        case "UserData":
            hasUserData = true
            let userData = try reader.readValue()
            guard case .object = userData else {
                throw file.location(reader, "$.UserData").invalid("UserData should be an object, found \(userData.kindName)")
            }
            value = userData["Value"]?.string
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
        if writer == nil { writer = try CredentialWriter(db: file.run.db) }
        let writer = writer!
        try writer.replace(instanceId: instanceId, sourceKind: "user-data", scanner: "invdb", counts: &file.counts)
        guard let value, !value.isEmpty else {
            _ = try writer.source(instanceId: instanceId, kind: "user-data", location: "user-data", place: .scriptOrEnvironment,
                                  status: "empty", detail: nil, scanner: "invdb", importId: file.importId, counts: &file.counts)
            return
        }
        let decoding = UserDataDecoder.decode(apiValue: value)
        let layers = Array(Set(decoding.documents.flatMap(\.layers))).sorted().joined(separator: " ")
        let status = decoding.errors.isEmpty ? "scanned" : "error"
        let detail = decoding.errors.isEmpty ? layers : decoding.errors.joined(separator: "; ")
        let sourceId = try writer.source(instanceId: instanceId, kind: "user-data", location: "user-data", place: .scriptOrEnvironment,
                                         status: status, detail: detail, scanner: "invdb", importId: file.importId, counts: &file.counts)
        let redactor = try file.run.redactor()
        for document in decoding.documents {
            let place = CredentialPlace.of(path: document.path)
            for credential in CredentialDetector.scan(document.text) {
                try writer.finding(credential, sourceId: sourceId, instanceId: instanceId, document: document.name, path: document.path,
                                   place: place, scanner: "invdb", redactor: redactor, counts: &file.counts)
            }
        }
    }

    func finish(file: FileImport) throws {}
}
