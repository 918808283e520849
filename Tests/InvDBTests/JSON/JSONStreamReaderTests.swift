import XCTest
@testable import InvDBCore
@testable import InvDBJSON
@testable import InvDBDetect
@testable import InvDBStore
@testable import InvDBImport
@testable import InvDBScan
@testable import InvDBChecks
@testable import InvDBRender
@testable import InvDBReport

final class JSONStreamReaderTests: XCTestCase {
    private func reader(_ text: String, chunk: Int = 1 << 20) -> JSONStreamReader {
        JSONStreamReader(source: ByteSource(name: "doc.json", bytes: Array(text.utf8)), chunkSize: chunk)
    }

    private func parseError(_ text: String, chunk: Int = 1 << 20) -> InputError? {
        let reader = reader(text, chunk: chunk)
        do {
            _ = try reader.readValue()
            try reader.expectEndOfInput()
            return nil
        } catch let error as InputError {
            return error
        } catch {
            XCTFail("unexpected error \(error)")
            return nil
        }
    }

    func testParsesNestedValuesKeepingMemberOrderAndNumberLexemes() throws {
        let value = try JSONValue.parse(#"{"b": [1, -2.5e3, true, false, null], "a": {"x": "y"}}"#)
        XCTAssertEqual(value.members.map(\.key), ["b", "a"])
        XCTAssertEqual(value["b"], .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null]))
        XCTAssertEqual(value["a"]?["x"]?.string, "y")
    }

    func testDecodesEscapesAndSurrogatePairs() throws {
        let value = try JSONValue.parse(#""tab\there \"q\" \\ \/ \u00e9 \ud83d\ude00 \n""#)
        XCTAssertEqual(value.string, "tab\there \"q\" \\ / é 😀 \n")
    }

    func testTinyChunksGiveTheSameValueAsOneChunk() throws {
        let text = try String(contentsOfFile: TestSupport.path("Samples/aws/us-east-1/describe-instances.json"), encoding: .utf8)
        let whole = try reader(text).readValue()
        for chunk in [1, 7, 64] {
            XCTAssertEqual(try reader(text, chunk: chunk).readValue(), whole, "chunk size \(chunk)")
        }
    }

    func testTapeBytesAreMinifiedJSONOfTheSameValue() throws {
        let text = "{\n  \"a\" : [ 1 , \"x\\\"y\" ],\n  \"b\": {\"c\": null}\n}"
        var tape = JSONTape()
        try reader(text, chunk: 3).readValue(into: &tape)
        let value = try reader(text).readValue()
        XCTAssertEqual(String(decoding: tape.bytes, as: UTF8.self), #"{"a":[1,"x\"y"],"b":{"c":null}}"#)
        XCTAssertEqual(try JSONValue.parse(String(decoding: tape.bytes, as: UTF8.self)), value)
        XCTAssertEqual(value.minifiedJSON, String(decoding: tape.bytes, as: UTF8.self))
    }

    func testMissingCommaIsReportedAtItsLineAndColumn() {
        let error = parseError("{\n  \"a\": 1\n  \"b\": 2\n}")
        XCTAssertEqual(error?.line, 3)
        XCTAssertEqual(error?.column, 3)
        XCTAssertEqual(error?.reason, .syntax)
        XCTAssertTrue(error?.description.hasPrefix("doc.json:3:3: error: expected ',' or '}'") ?? false, "\(String(describing: error))")
    }

    func testTruncatedDocumentsSayTheFileMayBeTruncated() {
        for text in ["{\"a\": [1, 2", "{\"a\": \"unfinished", "{\"a\":", "[1,"] {
            let error = parseError(text, chunk: 4)
            XCTAssertNotNil(error, text)
            XCTAssertTrue(error?.message.contains("truncated") ?? false, "\(text): \(String(describing: error?.message))")
        }
    }

    func testRejectsMalformedScalarsAndTrailingData() {
        for text in ["01", "1.", "-", "tru", "nul", "{\"a\": 1} x", "{\"a\" 1}", "[1 2]", "{'a': 1}", "\"a\u{1}b\""] {
            XCTAssertNotNil(parseError(text), text)
        }
    }

    func testRejectsInvalidUTF8() {
        let bytes: [UInt8] = Array("{\"a\": \"".utf8) + [0xC3, 0x28] + Array("\"}".utf8)
        let reader = JSONStreamReader(source: ByteSource(name: "bad.json", bytes: bytes))
        XCTAssertThrowsError(try reader.readValue()) { error in
            XCTAssertTrue((error as? InputError)?.message.contains("UTF-8") ?? false)
        }
    }

    func testRejectsExcessiveNesting() {
        XCTAssertNotNil(parseError(String(repeating: "[", count: 2000)))
    }

    func testStreamingNavigationAndSkipping() throws {
        let reader = reader(#"{"skip": {"deep": [1, {"x": "}"}]}, "keep": [{"id": 1}, {"id": 2}], "z": "tail"}"#, chunk: 5)
        try reader.beginObject()
        var ids: [String] = []
        var keys: [String] = []
        while let key = try reader.nextKey() {
            keys.append(key)
            if key == "keep" {
                try reader.beginArray()
                while try reader.nextElement() { ids.append(try reader.readValue()["id"]?.testInt.map(String.init) ?? "?") }
            } else {
                try reader.skipValue()
            }
        }
        try reader.expectEndOfInput()
        XCTAssertEqual(keys, ["skip", "keep", "z"])
        XCTAssertEqual(ids, ["1", "2"])
    }

    func testNumberGrammar() {
        let valid = ["0", "-0", "12", "1.5", "1e9", "1E+9", "-2.5e-3"]
        let invalid = ["01", "1.", ".5", "1e", "--1", "1.2.3", "+1"]
        for text in valid {
            XCTAssertTrue(Array(text.utf8).withUnsafeBufferPointer(JSONStreamReader.isValidNumber), text)
        }
        for text in invalid {
            XCTAssertFalse(Array(text.utf8).withUnsafeBufferPointer(JSONStreamReader.isValidNumber), text)
        }
    }

    func testTapeHoldsTheSameValueAsTheTree() throws {
        let text = try String(contentsOfFile: TestSupport.path("Samples/aws/us-east-1/describe-instances.json"), encoding: .utf8)
        let tree = try reader(text).readValue()
        for chunk in [3, 1 << 20] {
            var tape = JSONTape()
            try reader(text, chunk: chunk).readValue(into: &tape)
            XCTAssertEqual(try JSONValue.parse(String(decoding: tape.bytes, as: UTF8.self)), tree, "chunk \(chunk)")
            let first = tape.elements(tape.member(tape.elements(tape.member(tape.root, "Reservations"))[0], "Instances"))[0]
            let expected = tree["Reservations"]!.elements[0]["Instances"]!.elements[0]
            XCTAssertEqual(tape.string(tape.member(first, "InstanceId")), expected["InstanceId"]?.string)
            XCTAssertEqual(tape.string(tape.member(first, "State", "Name")), expected["State"]?["Name"]?.string)
            XCTAssertEqual(try tape.int(tape.member(first, "State", "Code"), in: Int.min...Int.max), expected["State"]?["Code"]?.testInt)
            XCTAssertEqual(tape.elements(tape.member(first, "Tags")).count, expected["Tags"]?.elements.count)
            XCTAssertNil(tape.member(first, "NoSuchMember"))
        }
    }

    func testTapeDecodesEscapedStringsAndScalars() throws {
        var tape = JSONTape()
        try reader(#"{"a": "x\"y\u00e9", "b": [true, false, null, -12], "c": "", "d": {}}"#, chunk: 2).readValue(into: &tape)
        XCTAssertEqual(tape.string(tape.member(tape.root, "a")), "x\"yé")
        let items = tape.elements(tape.member(tape.root, "b"))
        XCTAssertEqual(items.map { tape.kind($0) }, [.trueValue, .falseValue, .null, .number])
        XCTAssertEqual(try tape.int(items[3], in: Int.min...Int.max), -12)
        XCTAssertEqual(tape.bool(items[0]), true)
        XCTAssertFalse(tape.isNonEmptyString(tape.member(tape.root, "c")))
        XCTAssertEqual(tape.kind(tape.member(tape.root, "d")), .object)
        XCTAssertEqual(String(decoding: tape.bytes, as: UTF8.self), #"{"a":"x\"y\u00e9","b":[true,false,null,-12],"c":"","d":{}}"#)
    }

    func testTapeRejectsWhatTheTreeRejects() {
        for text in ["{\"a\": [1, 2", "{\"a\" 1}", "{\"a\": \"\\q\"}", "[01]"] {
            var tape = JSONTape()
            XCTAssertThrowsError(try reader(text, chunk: 3).readValue(into: &tape), text)
        }
    }
}
