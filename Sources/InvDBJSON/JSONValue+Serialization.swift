import InvDBCore

extension JSONValue {
    /// The value as minified JSON text, members in their original order.
    public var minifiedJSON: String {
        var output = ""
        write(to: &output)
        return output
    }

    private func write(to output: inout String) {
        switch self {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .number(let lexeme): output += lexeme
        case .string(let text): Self.writeString(text, to: &output)
        case .array(let items):
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += "," }
                item.write(to: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { output += "," }
                Self.writeString(member.key, to: &output)
                output += ":"
                member.value.write(to: &output)
            }
            output += "}"
        }
    }

    /// Writes `text` as a JSON string literal with the escapes JSON requires.
    static func writeString(_ text: String, to output: inout String) {
        output += "\""
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            output += text
            output += "\""
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }

    /// Parses a complete JSON document held in memory.
    ///
    /// - Throws: `InputError` with the position of the first syntax error.
    public static func parse(_ text: String, name: String = "<text>") throws -> JSONValue {
        let reader = JSONStreamReader(source: ByteSource(name: name, bytes: Array(text.utf8)), chunkSize: max(64, text.utf8.count))
        let value = try reader.readValue()
        try reader.expectEndOfInput()
        return value
    }
}

/// Encodes a Swift string as a JSON string literal (used by the JSON renderer too).
public func jsonStringLiteral(_ text: String) -> String {
    var output = ""
    JSONValue.writeString(text, to: &output)
    return output
}
