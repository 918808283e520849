/// Tags are free text, and someone will paste a key into one: before an instance is stored,
/// every secret access key or session token in its tag values is replaced by its redacted preview,
/// in the tags and in the raw JSON alike. Access key ids are identifiers and stay.
enum TagRedaction {
    /// The instance's tape with its tag secrets redacted, and the credentials found (with the
    /// tag key they were in); nil when no tag value holds one. A secret is at least 40
    /// characters, so shorter values are not looked at.
    static func redact(_ tape: JSONTape, fields: InstanceFields) throws -> (tape: JSONTape, found: [(tagKey: String, credential: DetectedCredential)])? {
        var found: [(tagKey: String, credential: DetectedCredential)] = []
        for tag in fields.tags {
            guard let value = tag.value, tape.isNonEmptyString(value), tape.nodes[value].length >= 40, let text = tape.string(value) else { continue }
            for credential in CredentialDetector.scan(text) where credential.kind != .accessKeyId {
                found.append((tape.string(tag.key) ?? "", credential))
            }
        }
        guard !found.isEmpty else { return nil }
        var json = String(decoding: tape.bytes, as: UTF8.self)
        for item in found {
            json = json.replacingOccurrences(of: item.credential.value, with: "[redacted " + CredentialRedactor.preview(item.credential) + "]")
        }
        let reader = JSONStreamReader(source: ByteSource(name: "tag redaction", bytes: Array(json.utf8)))
        var redacted = JSONTape()
        try reader.readValue(into: &redacted)
        return (redacted, found)
    }
}
