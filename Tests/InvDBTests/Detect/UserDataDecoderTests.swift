import Foundation
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

/// Layer peeling on user data built with the real tools (gzip(1), base64(1), a MIME writer):
/// end-to-end fixtures from moto are in ImporterTests.
final class UserDataDecoderTests: XCTestCase {
    /// Runs a tool with `input` as its standard input and returns its standard output. The input
    /// is a file, not a pipe: a tool whose output outgrows a pipe buffer before it has read all of
    /// its input (gzip on 80 MB of zeros writes 80 KB) cannot block on a writer that waits for it.
    private func run(_ arguments: [String], input: Data) throws -> Data {
        let file = try TestSupport.temporaryDirectory().appendingPathComponent("stdin")
        try input.write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let stdin = try FileHandle(forReadingFrom: file)
        defer { try? stdin.close() }
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "\(arguments)")
        return output
    }

    private func gzip(_ text: String) throws -> Data { try run(["gzip", "-n", "-c"], input: Data(text.utf8)) }

    private let script = "#!/bin/bash\nexport AWS_ACCESS_KEY_ID=AKIAZ7QF3KXM2RTB4VNA\n"

    func testPlainScript() {
        let decoding = UserDataDecoder.decode(apiValue: Data(script.utf8).base64EncodedString())
        XCTAssertEqual(decoding.documents.map(\.layers), [["base64"]])
        XCTAssertEqual(decoding.documents.first?.text, script)
        XCTAssertTrue(decoding.errors.isEmpty)
    }

    func testGzip() throws {
        let decoding = UserDataDecoder.decode(apiValue: try gzip(script).base64EncodedString())
        XCTAssertEqual(decoding.documents.map(\.layers), [["base64", "gzip"]])
        XCTAssertEqual(decoding.documents.first?.text, script)
    }

    /// Concatenated gzip members are one stream to gunzip and cloud-init: a key in the second
    /// member runs on the instance and is found (before, decoding stopped after the first).
    func testConcatenatedGzipMembersAreReadWhole() throws {
        var data = try gzip("#!/bin/bash\necho first\n")
        data.append(try gzip(script))
        let decoding = UserDataDecoder.decode(apiValue: data.base64EncodedString())
        XCTAssertEqual(decoding.documents.first?.text, "#!/bin/bash\necho first\n" + script)
        XCTAssertTrue(decoding.errors.isEmpty, "\(decoding.errors)")
        // Zero padding after the last member is allowed; anything else is an error, never ignored.
        XCTAssertEqual(try Gzip.decompress(Array(try gzip(script)) + [0, 0, 0]), Array(script.utf8))
        XCTAssertThrowsError(try Gzip.decompress(Array(try gzip(script)) + Array("trailing".utf8)))
    }

    func testMIMEWithBase64AndQuotedPrintableParts() throws {
        let qp = "#!/bin/sh\naws_secret_access_key=3D\"q8Lr2Vx0PzT4nWc7Ja1Hd9Ue3Ko6Sb5Gm/Yf+Nt2\"=\n\n"
        let mime = """
            Content-Type: multipart/mixed; boundary="==BOUNDARY=="
            MIME-Version: 1.0

            --==BOUNDARY==
            Content-Type: text/x-shellscript; charset="us-ascii"
            Content-Transfer-Encoding: base64
            Content-Disposition: attachment; filename="setup.sh"

            \(Data(script.utf8).base64EncodedString())
            --==BOUNDARY==
            Content-Type: text/x-shellscript
            Content-Transfer-Encoding: quoted-printable

            \(qp)
            --==BOUNDARY==--

            """
        let decoding = UserDataDecoder.decode(apiValue: Data(mime.utf8).base64EncodedString())
        XCTAssertEqual(decoding.errors, [])
        XCTAssertEqual(decoding.documents.count, 2)
        XCTAssertEqual(decoding.documents[0].text, script)
        XCTAssertEqual(decoding.documents[0].path, "setup.sh")
        XCTAssertTrue(decoding.documents[1].text.contains("aws_secret_access_key=\"q8Lr2Vx0PzT4nWc7Ja1Hd9Ue3Ko6Sb5Gm/Yf+Nt2\""),
                      decoding.documents[1].text)
        XCTAssertEqual(decoding.documents[1].layers, ["base64", "mime", "quoted-printable"])
    }

    func testCloudConfigWriteFiles() throws {
        let gzipped = try gzip("[default]\naws_access_key_id = AKIAZ7QF3KXM2RTB4VNA\n").base64EncodedString()
        let config = """
            #cloud-config
            write_files:
              - path: /etc/app/plain.env
                content: |
                  AWS_ACCESS_KEY_ID=AKIAQ2WERTY5UIOP7ASD
              - path: /root/.aws/credentials
                encoding: gz+b64
                content: \(gzipped)
              - path: /opt/app/config.json
                encoding: b64
                content: \(Data("{\"accessKeyId\": \"AKIAM3NBVCXZ4LKJH5GF\"}".utf8).base64EncodedString())
            """
        let decoding = UserDataDecoder.decode(apiValue: Data(config.utf8).base64EncodedString())
        XCTAssertEqual(decoding.errors, [])
        let paths = decoding.documents.compactMap(\.path)
        XCTAssertEqual(paths, ["/etc/app/plain.env", "/root/.aws/credentials", "/opt/app/config.json"])
        let ids = decoding.documents.flatMap { CredentialDetector.scan($0.text) }.map(\.value)
        XCTAssertEqual(Set(ids), ["AKIAQ2WERTY5UIOP7ASD", "AKIAZ7QF3KXM2RTB4VNA", "AKIAM3NBVCXZ4LKJH5GF"])
    }

    func testNestedGzipBlobInAScript() throws {
        let blob = try gzip("aws_access_key_id=AKIAZ7QF3KXM2RTB4VNA\n").base64EncodedString()
        let outer = "#!/bin/sh\necho \(blob) | base64 -d | gunzip > /root/.aws/credentials\n"
        let decoding = UserDataDecoder.decode(apiValue: Data(outer.utf8).base64EncodedString())
        XCTAssertEqual(decoding.documents.count, 2)
        XCTAssertEqual(decoding.documents[1].layers, ["base64", "base64", "gzip"])
    }

    func testUndecodableLayersAreErrorsNotSilence() {
        let brokenGzip: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0x01, 0x02, 0x03]
        let binary: [UInt8] = [0x00, 0xFF, 0xFE, 0x10, 0x80]
        let cloudConfig = "#cloud-config\nwrite_files: [\n"
        // One error each, naming the layer and what is wrong with it; only readable text is a document.
        for (input, problem, documents) in [(Data(brokenGzip), "gzip data is corrupt or truncated", [String]()),
                                            (Data(binary), "binary data that is neither gzip nor UTF-8 text", []),
                                            (Data(cloudConfig.utf8), "#cloud-config is not readable YAML", [cloudConfig])] {
            let decoding = UserDataDecoder.decode(apiValue: input.base64EncodedString())
            XCTAssertEqual(decoding.errors.count, 1, problem)
            XCTAssertTrue(decoding.errors.first?.hasPrefix("user-data: " + problem) ?? false, "\(decoding.errors)")
            XCTAssertEqual(decoding.documents.map(\.text), documents, problem)
        }
    }

    func testGzipBombIsRefused() throws {
        let bomb = try run(["gzip", "-n", "-c"], input: Data(count: 80 << 20))
        XCTAssertThrowsError(try Gzip.decompress(Array(bomb), limit: 64 << 20)) { error in
            XCTAssertEqual(error as? DecodeError, Gzip.tooLarge, "refused for its size, not as corrupt")
        }
        // The same bytes under the limit decompress whole: the refusal is the limit, not the data.
        XCTAssertEqual(try Gzip.decompress(Array(bomb), limit: 80 << 20).count, 80 << 20)
    }
}
