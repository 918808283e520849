import Foundation
import InvDBCore
import InvDBDetect
import InvDBJSON
import InvDBStore

/// trufflehog v3 `--json`: one object per line with `SourceMetadata.Data.<source>.{file,line}`,
/// the detector (`DetectorName`, or only `DetectorType` before 3.4.5: 2 is AWS, 959 AWSSessionKey)
/// and what it found. Every encoding its releases used is read:
///
/// - `Raw`: the key id, as base64 of its bytes before 3.14 (Go's `[]byte`), as text since;
/// - `RawV2`: `id:secret[:token]` since 3.84, the same concatenated without separators from 3.32.1;
/// - `SecretParts` (3.95.7+): `{access_key_id, secret_access_key, session_token}`.
///
/// An AWS finding none of these can be read from makes the instance `error`.
final class TrufflehogV3Importer: RecordImporter {
    private let writer = ScannerReportWriter(scanner: .trufflehog)

    static let awsDetectorTypes = [2, 959]

    override func record(_ record: JSONValue, location: RecordLocation, file: FileImport) throws {
        if let finding = try Self.finding(record, location: location) { try writer.write(finding, file: file) }
    }

    override func finish(file: FileImport) throws { try writer.finish(file: file) }

    /// The finding in `record`, or nil when it is not from an AWS detector.
    static func finding(_ record: JSONValue, location: RecordLocation) throws -> ScannerFinding? {
        let name = try location.optionalString(record, "DetectorName")
        let type = try location.optionalInt(record, "DetectorType", in: Int(Int32.min)...Int(Int32.max))
        guard name.map({ $0.uppercased().hasPrefix("AWS") }) ?? type.map(awsDetectorTypes.contains) ?? false else { return nil }
        let data = try location.optionalObject(record, "SourceMetadata").flatMap { try location.optionalObject($0, "Data") }
        let place = data?["Filesystem"] ?? data?["Git"] ?? data?.members.first?.value
        guard let place, case .object = place else { throw location.invalid("SourceMetadata.Data should name the source and its file") }
        var finding = ScannerFinding(path: try location.requiredString(place, "file"), line: try location.optionalInt(place, "line"),
                                     rule: name ?? "DetectorType \(type ?? 0)")
        if let parts = try location.optionalObject(record, "SecretParts") {
            for key in ["access_key_id", "secret_access_key", "session_token"] {
                if let value = try location.optionalString(parts, key) { finding.classify(value) }
            }
        }
        if let raw2 = try location.optionalString(record, "RawV2"), !raw2.isEmpty {
            for piece in split(rawV2: raw2) { finding.classify(piece) }
        }
        if let raw = try location.optionalString(record, "Raw"), !raw.isEmpty, !finding.classify(raw),
           let bytes = Data(base64Encoded: raw), let decoded = String(data: bytes, encoding: .utf8) {
            // Before 3.14, Raw was a Go []byte, which encoding/json writes as base64.
            for piece in split(rawV2: decoded) { finding.classify(piece) }
        }
        if !finding.values.contains(where: { $0.kind == .accessKeyId }), let redacted = try location.optionalString(record, "Redacted") {
            finding.classify(redacted)
        }
        if !finding.hasValues {
            finding.unreadable = "none of Raw, RawV2, SecretParts or Redacted holds a key id invdb can read"
        }
        return finding
    }

    /// The parts of a `RawV2`: split on `:` (3.84+), or at 20 and 60 characters when the key
    /// id, secret and token were concatenated (3.32.1–3.83); a base64 secret never holds `:`.
    static func split(rawV2: String) -> [String] {
        if rawV2.contains(":") { return rawV2.split(separator: ":").map(String.init) }
        let characters = Array(rawV2)
        guard characters.count >= 60, CredentialShape.isKeyId(String(characters[0..<20])) else { return [rawV2] }
        var parts = [String(characters[0..<20]), String(characters[20..<60])]
        if characters.count > 60 { parts.append(String(characters[60...])) }
        return parts
    }
}

/// truffleHog 2.x `--json`: one object per line with `path`, `reason` and `stringsFound` (the
/// matched strings); no line numbers.
final class TrufflehogV2Importer: RecordImporter {
    private let writer = ScannerReportWriter(scanner: .trufflehog2)

    override func record(_ record: JSONValue, location: RecordLocation, file: FileImport) throws {
        guard let path = try location.optionalString(record, "path"), let reason = try location.optionalString(record, "reason"),
              GitleaksReport.isAboutAWS(reason) else { return }
        var finding = ScannerFinding(path: path, line: nil, rule: reason)
        var unread = 0
        for value in try location.optionalArray(record, "stringsFound") {
            guard let text = value.string else { throw location.invalid("stringsFound should hold strings, found \(value.kindName)") }
            if !finding.classify(text) { unread += 1 }
        }
        if finding.isEmpty && unread > 0 { finding.unreadable = "its stringsFound hold no key id or secret invdb can read" }
        try writer.write(finding, file: file)
    }

    override func finish(file: FileImport) throws { try writer.finish(file: file) }
}
