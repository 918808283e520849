import Foundation
import InvDBCore
import InvDBJSON

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
    /// For text decoded from a base64 blob inside another document: the blob's line there, where
    /// findings in this text are reported.
    public var blobLine: Int?
}

/// The result of decoding one instance's user data.
public struct UserDataDecoding: Sendable {
    public var documents: [DecodedDocument] = []
    /// Layers that could not be decoded, or a budget that ran out: the instance gets `error`,
    /// never a silent pass. Messages hold positions and sizes, never decoded text.
    public var errors: [String] = []
}

/// How much decoding one instance's user data may cost. AWS caps user data at 16 KB, so real
/// user data stays far below every limit; a decompression bomb, a YAML alias bomb or thousands
/// of nested parts run into one, and the instance is `error` ("not fully decoded").
public struct UserDataBudget: Sendable {
    /// Bytes produced by all layers together (gzip, base64, MIME parts, write_files).
    public var decodedBytes = 32 << 20
    /// Layers inside one another.
    public var depth = 8
    /// Documents (MIME parts, write_files entries, nested blobs) in all.
    public var documents = 256

    public init() {}
}

/// Peels every layer of EC2 user data before anything looks at it: the API's base64, gzip,
/// MIME multipart (cloud-init) with base64 or quoted-printable parts, `#cloud-config`
/// `write_files` content (base64, gzip), and base64-gzip blobs nested in scripts, within a
/// `UserDataBudget`.
public enum UserDataDecoder {
    /// Decodes the `UserData.Value` of describe-instance-attribute (one base64 layer over the
    /// bytes given at launch).
    public static func decode(apiValue: String, budget: UserDataBudget = UserDataBudget()) -> UserDataDecoding {
        var state = State(budget: budget)
        guard let bytes = Data(base64Encoded: apiValue, options: .ignoreUnknownCharacters) else {
            state.result.errors.append("user-data: the API value is not base64")
            return state.result
        }
        state.peel(Array(bytes), name: "user-data", path: nil, layers: ["base64"], depth: 0)
        return state.result
    }

    /// The decoding under way, with what is left of the budget.
    struct State {
        var result = UserDataDecoding()
        let budget: UserDataBudget
        var bytesLeft: Int
        var documentsLeft: Int
        var exhausted = false

        init(budget: UserDataBudget) {
            self.budget = budget
            bytesLeft = budget.decodedBytes
            documentsLeft = budget.documents
        }

        /// Takes `count` decoded bytes from the budget; false (and an error, once) when it runs out.
        mutating func spend(_ count: Int, name: String) -> Bool {
            bytesLeft -= count
            if bytesLeft < 0 { return stop("\(name): decoding stopped after \(budget.decodedBytes >> 20) MB of decoded data (a decompression bomb?); the rest is not checked") }
            return true
        }

        mutating func newDocument(_ name: String) -> Bool {
            documentsLeft -= 1
            if documentsLeft < 0 { return stop("\(name): decoding stopped after \(budget.documents) parts and files; the rest is not checked") }
            return true
        }

        private mutating func stop(_ message: String) -> Bool {
            if !exhausted { result.errors.append(message) }
            exhausted = true
            return false
        }

        mutating func peel(_ bytes: [UInt8], name: String, path: String?, layers: [String], depth: Int, blobLine: Int? = nil) {
            guard !exhausted else { return }
            guard depth < budget.depth else {
                result.errors.append("\(name): more than \(budget.depth) nested layers; not checked further")
                return
            }
            if Gzip.isCompressed(bytes) {
                do {
                    let inflated = try Gzip.decompress(bytes, limit: max(bytesLeft, 0))
                    guard spend(inflated.count, name: name) else { return }
                    peel(inflated, name: name, path: path, layers: layers + ["gzip"], depth: depth + 1)
                } catch let error as DecodeError where error == Gzip.tooLarge {
                    _ = spend(bytesLeft + 1, name: name)
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
                    let partName = "\(name)/part \(index + 1)" + (part.filename.map { " (\(SafeText.quote($0, limit: 80)))" } ?? "")
                    guard newDocument(partName) else { return }
                    switch part.body {
                    case .success(let body):
                        guard spend(body.count, name: partName) else { return }
                        peel(body, name: partName, path: part.filename, layers: layers + ["mime"] + part.encodings, depth: depth + 1)
                    case .failure(let error):
                        result.errors.append("\(partName): \(error)")
                    }
                }
                return
            }
            if let whole = UserDataDecoder.wholeBase64(bytes) {
                guard spend(whole.count, name: name) else { return }
                peel(whole, name: name, path: path, layers: layers + ["base64"], depth: depth + 1)
                return
            }
            result.documents.append(DecodedDocument(name: name, path: path, text: text, layers: layers, blobLine: blobLine))
            if text.hasPrefix("#cloud-config") {
                // write_files entries are decoded by their declared encoding; their blobs are not
                // looked for again as nested ones (that would report each key twice).
                peelCloudConfig(text, name: name, layers: layers + ["cloud-config"], depth: depth)
                return
            }
            for (index, blob) in UserDataDecoder.nestedGzipBlobs(text).enumerated() {
                let blobName = "\(name)/nested \(index + 1)"
                guard newDocument(blobName), spend(blob.count, name: blobName) else { return }
                peel(blob, name: blobName, path: nil, layers: layers + ["base64"], depth: depth + 1)
            }
            // Text in base64 (`echo … | base64 -d > ~/.aws/credentials`): its findings are
            // reported at the blob's line.
            for blob in EmbeddedBase64.textBlobs(in: text, limit: max(bytesLeft, 0)) {
                let blobName = "\(name)/base64 at line \(blob.line)"
                guard newDocument(blobName), spend(blob.text.utf8.count, name: blobName) else { return }
                peel(Array(blob.text.utf8), name: blobName, path: path, layers: layers + ["base64"], depth: depth + 1, blobLine: blob.line)
            }
        }

        private mutating func peelCloudConfig(_ text: String, name: String, layers: [String], depth: Int) {
            let files: [CloudConfig.WriteFile]
            do {
                files = try CloudConfig.writeFiles(text)
            } catch {
                // The message holds a position, never the document's text.
                result.errors.append("\(name): #cloud-config is not readable YAML (\(error.message))")
                return
            }
            for (index, file) in files.enumerated() {
                let entryName = "\(name)/write_files:\(file.path.map { SafeText.quote($0, limit: 200) } ?? "#\(index + 1)")"
                guard newDocument(entryName) else { return }
                let content = file.content ?? ""
                let encoding = (file.encoding ?? "text/plain").lowercased()
                var bytes = Array(content.utf8)
                var entryLayers = layers + ["write_files"]
                if ["b64", "base64", "gz+b64", "gz+base64", "gzip+b64", "gzip+base64"].contains(encoding) {
                    guard let decoded = Data(base64Encoded: content, options: .ignoreUnknownCharacters) else {
                        result.errors.append("\(entryName): content is not base64 (encoding \(SafeText.quote(encoding, limit: 20)))")
                        continue
                    }
                    bytes = Array(decoded)
                    entryLayers.append("base64")
                }
                if encoding.hasPrefix("gz") && !Gzip.isCompressed(bytes) {
                    result.errors.append("\(entryName): encoding \(SafeText.quote(encoding, limit: 20)) but the content is not gzip")
                    continue
                }
                guard spend(bytes.count, name: entryName) else { return }
                peel(bytes, name: entryName, path: file.path, layers: entryLayers, depth: depth + 1)
            }
        }
    }

    /// The decoded bytes when the whole text is one base64 blob that decodes to gzip or text
    /// (user data base64-encoded twice, a MIME part without its header).
    static func wholeBase64(_ bytes: [UInt8]) -> [UInt8]? {
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
    static func nestedGzipBlobs(_ text: String) -> [[UInt8]] {
        guard text.contains("H4sI") else { return [] }
        let nsText = text as NSString
        return nestedGzipPattern.matches(in: text, range: NSRange(location: 0, length: nsText.length)).compactMap { match in
            Data(base64Encoded: nsText.substring(with: match.range), options: .ignoreUnknownCharacters).map(Array.init)
        }
    }
}
