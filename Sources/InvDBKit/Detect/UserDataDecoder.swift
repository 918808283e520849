import Foundation
import Yams

/// One text that came out of decoding: the user data itself, a MIME part, a cloud-config
/// `write_files` entry, or a blob nested in a script.
public struct DecodedDocument: Equatable, Sendable {
    /// Where it came from, e.g. `user-data`, `user-data/part 2`, `user-data/write_files:/etc/app.env`.
    public var name: String
    /// The file path the document will have on the instance, when known (write_files, MIME filename).
    public var path: String?
    public var text: String
    /// The encodings peeled to reach it, outermost first: `base64`, `gzip`, `mime`, `cloud-config`, …
    public var layers: [String]
}

/// The result of decoding one instance's user data.
public struct UserDataDecoding: Sendable {
    public var documents: [DecodedDocument] = []
    /// Layers that could not be decoded: the instance gets `error`, never a silent pass.
    public var errors: [String] = []
}

/// Peels every layer of EC2 user data before anything looks at it: the API's base64, gzip,
/// MIME multipart (cloud-init) with base64 or quoted-printable parts, `#cloud-config`
/// `write_files` content (base64, gzip), and base64-gzip blobs nested in scripts.
public enum UserDataDecoder {
    private static let maximumDepth = 8

    /// Decodes the `UserData.Value` of describe-instance-attribute (one base64 layer over the
    /// bytes given at launch).
    public static func decode(apiValue: String) -> UserDataDecoding {
        var result = UserDataDecoding()
        guard let bytes = Data(base64Encoded: apiValue, options: .ignoreUnknownCharacters) else {
            result.errors.append("user-data: the API value is not base64")
            return result
        }
        peel(Array(bytes), name: "user-data", path: nil, layers: ["base64"], depth: 0, into: &result)
        return result
    }

    static func peel(_ bytes: [UInt8], name: String, path: String?, layers: [String], depth: Int, into result: inout UserDataDecoding) {
        guard depth < maximumDepth else {
            result.errors.append("\(name): more than \(maximumDepth) nested layers")
            return
        }
        if Gzip.isCompressed(bytes) {
            do {
                let inflated = try Gzip.decompress(bytes)
                peel(inflated, name: name, path: path, layers: layers + ["gzip"], depth: depth + 1, into: &result)
            } catch {
                result.errors.append("\(name): \(error)")
            }
            return
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            result.errors.append("\(name): binary data that is neither gzip nor UTF-8 text")
            return
        }
        if let multipart = MIMEMultipart.parse(text) {
            for (index, part) in multipart.enumerated() {
                let partName = "\(name)/part \(index + 1)" + (part.filename.map { " (\($0))" } ?? "")
                switch part.body {
                case .success(let body):
                    peel(body, name: partName, path: part.filename, layers: layers + ["mime"] + part.encodings, depth: depth + 1, into: &result)
                case .failure(let error):
                    result.errors.append("\(partName): \(error)")
                }
            }
            return
        }
        if let whole = wholeBase64(bytes) {
            peel(whole, name: name, path: path, layers: layers + ["base64"], depth: depth + 1, into: &result)
            return
        }
        result.documents.append(DecodedDocument(name: name, path: path, text: text, layers: layers))
        if text.hasPrefix("#cloud-config") {
            // write_files entries are decoded by their declared encoding; their blobs are not
            // looked for again as nested ones (that would report each key twice).
            peelCloudConfig(text, name: name, layers: layers + ["cloud-config"], depth: depth, into: &result)
            return
        }
        for (index, blob) in nestedGzipBlobs(text).enumerated() {
            peel(blob, name: "\(name)/nested \(index + 1)", path: nil, layers: layers + ["base64"], depth: depth + 1, into: &result)
        }
    }

    private static func peelCloudConfig(_ text: String, name: String, layers: [String], depth: Int, into result: inout UserDataDecoding) {
        let config: Any?
        do {
            config = try Yams.load(yaml: text)
        } catch {
            result.errors.append("\(name): #cloud-config is not valid YAML (\(String(describing: error).prefix(120)))")
            return
        }
        guard let files = (config as? [String: Any])?["write_files"] as? [Any] else { return }
        for (index, entry) in files.enumerated() {
            guard let file = entry as? [String: Any] else { continue }
            let path = file["path"] as? String
            let entryName = "\(name)/write_files:\(path ?? "#\(index + 1)")"
            let content = file["content"].map { "\($0)" } ?? ""
            let encoding = (file["encoding"] as? String ?? "text/plain").lowercased()
            var bytes = Array(content.utf8)
            var entryLayers = layers + ["write_files"]
            if ["b64", "base64", "gz+b64", "gz+base64", "gzip+b64", "gzip+base64"].contains(encoding) {
                guard let decoded = Data(base64Encoded: content, options: .ignoreUnknownCharacters) else {
                    result.errors.append("\(entryName): content is not base64 (encoding \(encoding))")
                    continue
                }
                bytes = Array(decoded)
                entryLayers.append("base64")
            }
            if encoding.hasPrefix("gz") && !Gzip.isCompressed(bytes) {
                result.errors.append("\(entryName): encoding \(encoding) but the content is not gzip")
                continue
            }
            peel(bytes, name: entryName, path: path, layers: entryLayers, depth: depth + 1, into: &result)
        }
    }

    /// The decoded bytes when the whole text is one base64 blob that decodes to gzip or text
    /// (user data base64-encoded twice, a MIME part without its header).
    private static func wholeBase64(_ bytes: [UInt8]) -> [UInt8]? {
        guard bytes.count >= 24, bytes.allSatisfy({
            ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122)
                || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "=") || $0 == 0x0A || $0 == 0x0D
                || $0 == 0x20 || $0 == 0x09
        }), let data = Data(base64Encoded: Data(bytes), options: .ignoreUnknownCharacters) else { return nil }
        let decoded = Array(data)
        if Gzip.isCompressed(decoded) { return decoded }
        guard String(validating: decoded, as: UTF8.self) != nil,
              decoded.allSatisfy({ $0 >= 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) else { return nil }
        return decoded
    }

    private static let nestedGzipPattern = try! NSRegularExpression(pattern: #"H4sI[A-Za-z0-9+/=]{16,}"#)

    /// base64-encoded gzip blobs inside a script (`echo H4sI… | base64 -d | gunzip > …`).
    private static func nestedGzipBlobs(_ text: String) -> [[UInt8]] {
        guard text.contains("H4sI") else { return [] }
        let nsText = text as NSString
        return nestedGzipPattern.matches(in: text, range: NSRange(location: 0, length: nsText.length)).compactMap { match in
            Data(base64Encoded: nsText.substring(with: match.range), options: .ignoreUnknownCharacters).map(Array.init)
        }
    }
}
