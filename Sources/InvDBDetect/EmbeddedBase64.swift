import Foundation
import InvDBCore
import InvDBJSON

/// Finds text hidden in base64 inside a script or file: `echo <base64> | base64 -d >
/// ~/.aws/credentials` writes a credentials file that no detector sees in the script's own text.
package enum EmbeddedBase64 {
    /// A base64 run that decodes to text, and the 1-based line of the enclosing text it starts on.
    package struct Blob: Equatable {
        package var line: Int
        package var text: String
    }

    /// Runs of at least `minimumLength` base64 characters (with `=` padding) in `text` that
    /// decode to UTF-8 text (printable characters, tabs and line breaks), at most `limit` decoded
    /// bytes in all. gzip blobs decode to binary and are left to the gzip layer.
    package static func textBlobs(in text: String, minimumLength: Int = 32, limit: Int) -> [Blob] {
        var blobs: [Blob] = []
        var budget = limit
        let bytes = Array(text.utf8)
        var line = 1
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A { line += 1 }
            guard SecretShape.isBase64(byte) else { index += 1; continue }
            let start = index
            while index < bytes.count && SecretShape.isBase64(bytes[index]) { index += 1 }
            var end = index
            while end < bytes.count && end - index < 2 && bytes[end] == UInt8(ascii: "=") { end += 1 }
            index = end
            guard end - start >= minimumLength else { continue }
            var run = Array(bytes[start..<end])
            while run.count % 4 != 0 { run.append(UInt8(ascii: "=")) }   // base64 -d accepts it unpadded
            guard let data = Data(base64Encoded: Data(run)), !data.isEmpty, data.count <= budget,
                  let decoded = String(data: data, encoding: .utf8),
                  decoded.utf8.allSatisfy({ $0 >= 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else { continue }
            budget -= data.count
            blobs.append(Blob(line: line, text: decoded))
        }
        return blobs
    }
}
