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

final class CredentialDetectorTests: XCTestCase {
    // Fake keys of the real shape (never real credentials).
    private let keyId = "AKIAZ7QF3KXM2RTB4VNA"
    private let secret = "q8Lr2Vx0PzT4nWc7Ja1Hd9Ue3Ko6Sb5Gm/Yf+Nt2"

    private func kinds(_ text: String) -> [DetectedCredential.Kind] {
        CredentialDetector.scan(text).map(\.kind)
    }

    func testFindsKeysInEveryCommonForm() {
        let forms = [
            "export AWS_ACCESS_KEY_ID=\(keyId)\nexport AWS_SECRET_ACCESS_KEY=\(secret)\n",
            "[default]\naws_access_key_id = \(keyId)\naws_secret_access_key = \(secret)\n",
            "{\"AccessKeyId\": \"\(keyId)\", \"SecretAccessKey\": \"\(secret)\"}",
            "aws:\n  access_key_id: \(keyId)\n  secret_access_key: '\(secret)'\n",
            "AWS_ACCESS_KEY_ID=\(keyId)\nAWS_SECRET_ACCESS_KEY=\"\(secret)\"\n",
            "s3 = boto3.client('s3', aws_access_key_id='\(keyId)', aws_secret_access_key='\(secret)')",
            "new S3Client({ credentials: { accessKeyId: '\(keyId)', secretAccessKey: '\(secret)' } })",
            "[Service]\nEnvironment=AWS_ACCESS_KEY_ID=\(keyId)\nEnvironment=\"AWS_SECRET_ACCESS_KEY=\(secret)\"\n",
            "os.environ[\"AWS_SECRET_ACCESS_KEY\"] = \"\(secret)\"  # \(keyId)",
            "aws configure set aws_access_key_id \(keyId)\naws configure set aws_secret_access_key \(secret)\n",
            "ACCESS_KEY = \"\(keyId)\"\nSECRET_KEY = \"\(secret)\"\n",
        ]
        for form in forms {
            let found = CredentialDetector.scan(form)
            XCTAssertEqual(Set(found.map(\.kind)), [.accessKeyId, .secretAccessKey], form)
            XCTAssertEqual(found.first { $0.kind == .secretAccessKey }?.value, secret, form)
            XCTAssertEqual(found.first { $0.kind == .secretAccessKey }?.keyId, keyId, "the secret is paired with its key id: \(form)")
        }
    }

    func testDecoysAreNotFindings() {
        let decoys = [
            "export AWS_ACCESS_KEY_ID=$AWS_KEY\nexport AWS_SECRET_ACCESS_KEY=${SECRET}\n",
            "key = os.environ.get(\"AWS_ACCESS_KEY_ID\")\nsecret = os.environ.get(\"AWS_SECRET_ACCESS_KEY\")",
            "aws_access_key_id =\naws_secret_access_key = \"\"\n",
            "aws_access_key_id = <YOUR_ACCESS_KEY_ID>\naws_secret_access_key = <YOUR_SECRET_ACCESS_KEY>\n",
            "sha256sum: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n",
            "aws_secret_access_key = da39a3ee5e6b4b0d3255bfef95601890afd80709\n",
            "id: dGhpcyBpcyBub3QgYSBrZXkgYXQgYWxsIHJlYWxseQ==\nAKIAXXXXXXXXXXXXXXXX\n",
            "principal: AIDAJQABLZS4A3QDU576Q  role: AROAJQABLZS4A3QDU576Q\n",
            "SECRET_KEY = \"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\"  # Django, no AWS key id near it\n",
        ]
        for decoy in decoys {
            XCTAssertEqual(kinds(decoy), [], decoy)
        }
    }

    func testTheDocumentedExampleKeyIsAFindingLabelledAsTheExample() {
        let found = CredentialDetector.scan("aws_access_key_id=AKIAIOSFODNN7EXAMPLE\naws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n")
        XCTAssertEqual(found.count, 2)
        XCTAssertTrue(found.allSatisfy(\.isExample))
    }

    func testSessionTokensAndTemporaryKeys() {
        let token = String(repeating: "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJH", count: 4)
        let found = CredentialDetector.scan("AWS_ACCESS_KEY_ID=ASIAZ7QF3KXM2RTB4VNA\nAWS_SESSION_TOKEN=\(token)\n")
        XCTAssertEqual(found.map(\.kind), [.accessKeyId, .sessionToken])
        XCTAssertEqual(found[1].keyId, "ASIAZ7QF3KXM2RTB4VNA")
    }

    func testPositionsAreLineAndColumn() {
        let found = CredentialDetector.scan("#!/bin/sh\n\nexport AWS_ACCESS_KEY_ID=\(keyId)\n")
        XCTAssertEqual(found.first?.line, 3)
        XCTAssertEqual(found.first?.column, 26)
    }

    func testRedactionNeverShowsTheSecret() {
        let credential = CredentialDetector.scan("aws_secret_access_key=\(secret)").first!
        let preview = CredentialRedactor.preview(credential)
        XCTAssertEqual(preview, "q8Lr…t2 (40 chars)")
        let redactor = CredentialRedactor(key: Array(repeating: 7, count: 32))
        // HMAC-SHA256 as OpenSSL computes it: printf %s SECRET | openssl dgst -sha256 -mac HMAC -macopt hexkey:0707…07 (32 bytes).
        XCTAssertEqual(redactor.fingerprint(secret), "bab7ce1a6654d58aec8d689b180271524a00f1029276ae3b33080ae80d55a7be")
        XCTAssertEqual(CredentialRedactor(key: Array(repeating: 8, count: 32)).fingerprint(secret),
                       "3a67b9e1aa71ba129ec20a9b014394f9331de7b7c2b6ac6439a22bc3bf40e92f", "another key, another fingerprint")
    }

    func testPlaceOfAPath() {
        XCTAssertEqual(CredentialPlace.of(path: "/opt/app/config.json"), .application)
        XCTAssertEqual(CredentialPlace.of(path: "/srv/app/main.py"), .application)
        XCTAssertEqual(CredentialPlace.of(path: "/root/.aws/credentials"), .scriptOrEnvironment)
        XCTAssertEqual(CredentialPlace.of(path: "/etc/systemd/system/app.service"), .scriptOrEnvironment)
        XCTAssertEqual(CredentialPlace.of(path: "/opt/deploy.sh"), .scriptOrEnvironment)
        XCTAssertEqual(CredentialPlace.of(path: "/srv/app/.env"), .scriptOrEnvironment)
        XCTAssertEqual(CredentialPlace.of(path: nil), .scriptOrEnvironment)
    }
}
