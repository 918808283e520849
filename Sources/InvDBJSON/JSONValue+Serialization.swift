import InvDBCore

extension JSONValue {
    /// The value as minified JSON text, members in their original order.
    public var minifiedJSON: String {
        var output: [UInt8] = []
        write(to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    private func write(to output: inout [UInt8]) {
        switch self {
        case .null: output += Array("null".utf8)
        case .bool(let flag): output += Array((flag ? "true" : "false").utf8)
        case .number(let lexeme): output += Array(lexeme.utf8)
        case .string(let text): JSONString.write(text, into: &output)
        case .array(let items):
            output.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                item.write(to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                JSONString.write(member.key, into: &output)
                output.append(UInt8(ascii: ":"))
                member.value.write(to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
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
