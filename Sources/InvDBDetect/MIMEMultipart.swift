import Foundation
import InvDBCore
import InvDBJSON

/// A small reader of MIME multipart documents, as cloud-init user data uses them.
enum MIMEMultipart {
    struct Part {
        var filename: String?
        /// The transfer encodings decoded for this part (`base64`, `quoted-printable`).
        var encodings: [String]
        var body: Result<[UInt8], DecodeError>
    }

    /// The parts of `text` when it is a multipart document; nil otherwise.
    static func parse(_ text: String) -> [Part]? {
        // Cheap test first: a multipart document says so in its first header lines.
        let head = Array(text.utf8.prefix(4096))
        let marker = Array("ultipart/".utf8)
        guard head.count >= marker.count,
              (0...(head.count - marker.count)).contains(where: { head[$0..<($0 + marker.count)].elementsEqual(marker) }) else { return nil }
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n")
        guard let headerEnd = normalized.range(of: "\n\n") else { return nil }
        let headers = parseHeaders(String(normalized[..<headerEnd.lowerBound]))
        guard let contentType = headers["content-type"], contentType.lowercased().hasPrefix("multipart/"),
              let boundary = parameter("boundary", in: contentType) else { return nil }
        let body = String(normalized[headerEnd.upperBound...])
        var parts: [Part] = []
        let delimiter = "--" + boundary
        for chunk in body.components(separatedBy: delimiter).dropFirst() {
            if chunk.hasPrefix("--") { break }
            var content = chunk
            if content.hasPrefix("\n") { content.removeFirst() }
            let split = content.range(of: "\n\n")
            let partHeaders = parseHeaders(split.map { String(content[..<$0.lowerBound]) } ?? "")
            var partBody = split.map { String(content[$0.upperBound...]) } ?? ""
            if partBody.hasSuffix("\n") { partBody.removeLast() }
            let filename = partHeaders["content-disposition"].flatMap { parameter("filename", in: $0) }
                ?? partHeaders["content-type"].flatMap { parameter("name", in: $0) }
            let encoding = partHeaders["content-transfer-encoding"]?.lowercased().trimmingCharacters(in: .whitespaces) ?? "7bit"
            let decoded: Result<[UInt8], DecodeError>
            var encodings: [String] = []
            switch encoding {
            case "base64":
                encodings = ["base64"]
                if let data = Data(base64Encoded: partBody, options: .ignoreUnknownCharacters) {
                    decoded = .success(Array(data))
                } else {
                    decoded = .failure(DecodeError("the part says base64 but is not"))
                }
            case "quoted-printable":
                encodings = ["quoted-printable"]
                decoded = .success(decodeQuotedPrintable(partBody))
            default:
                decoded = .success(Array(partBody.utf8))
            }
            // A nested multipart keeps its own headers in the body: give them back.
            if partHeaders["content-type"]?.lowercased().hasPrefix("multipart/") == true, case .success(let bytes) = decoded {
                let headerText = "Content-Type: \(partHeaders["content-type"]!)\n\n"
                parts.append(Part(filename: filename, encodings: encodings, body: .success(Array(headerText.utf8) + bytes)))
            } else {
                parts.append(Part(filename: filename, encodings: encodings, body: decoded))
            }
        }
        return parts
    }

    private static func parseHeaders(_ text: String) -> [String: String] {
        var headers: [String: String] = [:]
        var lastKey: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if let first = line.first, first == " " || first == "\t", let key = lastKey {
                headers[key, default: ""] += " " + line.trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].lowercased().trimmingCharacters(in: .whitespaces)
            headers[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            lastKey = key
        }
        return headers
    }

    /// The value of `name=value` (quoted or not) in a header.
    static func parameter(_ name: String, in header: String) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == name else { continue }
            return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return nil
    }

    static func decodeQuotedPrintable(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "=") {
                if index + 1 < bytes.count && bytes[index + 1] == 0x0A {
                    index += 2
                    continue
                }
                if index + 2 < bytes.count, let value = UInt8(String(decoding: bytes[index + 1...index + 2], as: UTF8.self), radix: 16) {
                    output.append(value)
                    index += 3
                    continue
                }
            }
            output.append(byte)
            index += 1
        }
        return output
    }
}
