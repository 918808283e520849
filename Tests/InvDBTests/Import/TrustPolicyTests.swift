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

final class TrustPolicyTests: XCTestCase {
    private func trusts(_ json: String) throws -> Bool {
        TrustPolicy.trustsEC2(try JSONValue.parse(json))
    }

    func testServicePrincipalAsStringOrArray() throws {
        XCTAssertTrue(try trusts(#"{"Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#))
        XCTAssertTrue(try trusts(#"{"Statement": {"Effect": "Allow", "Principal": {"Service": ["lambda.amazonaws.com", "ec2.amazonaws.com"]}, "Action": ["sts:AssumeRole"]}}"#))
        XCTAssertTrue(try trusts(#"{"Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com.cn"}, "Action": "sts:*"}]}"#))
    }

    func testOtherServicesDenyAndWrongActionsDoNotTrust() throws {
        XCTAssertFalse(try trusts(#"{"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#))
        XCTAssertFalse(try trusts(#"{"Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:TagSession"}]}"#))
        XCTAssertFalse(try trusts(#"{"Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}, {"Effect": "Deny", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "*"}]}"#))
        XCTAssertFalse(try trusts(#"{"Statement": []}"#))
        XCTAssertFalse(TrustPolicy.trustsEC2(nil))
    }

    func testWildcards() {
        XCTAssertTrue(TrustPolicy.wildcardMatches(pattern: "sts:assume*", text: "sts:assumerole"))
        XCTAssertTrue(TrustPolicy.wildcardMatches(pattern: "*", text: "sts:assumerole"))
        XCTAssertTrue(TrustPolicy.wildcardMatches(pattern: "sts:assumerol?", text: "sts:assumerole"))
        XCTAssertFalse(TrustPolicy.wildcardMatches(pattern: "sts:assumerolewith*", text: "sts:assumerole"))
    }

    func testURLEncodedPolicyStringIsDecoded() throws {
        let location = RecordLocation(file: "roles.json", position: .init(line: 1, column: 1), jsonPath: "$.Roles[0]")
        let encoded = "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22ec2.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D"
        let document = try TrustPolicy.document(from: .string(encoded), location: location)
        XCTAssertTrue(TrustPolicy.trustsEC2(document))
        XCTAssertThrowsError(try TrustPolicy.document(from: .string("not json"), location: location))
    }
}

final class ARNAndRegionTests: XCTestCase {
    func testARNParts() {
        let arn = ARN("arn:aws:iam::123456789012:instance-profile/path/web")
        XCTAssertEqual(arn?.account, "123456789012")
        XCTAssertEqual(arn?.resource, "instance-profile/path/web")
        XCTAssertNil(ARN("not-an-arn"))
    }

    func testRegionFromAvailabilityZone() {
        XCTAssertEqual(AWSRegion.fromAvailabilityZone("us-east-1a"), "us-east-1")
        XCTAssertEqual(AWSRegion.fromAvailabilityZone("eu-west-1c"), "eu-west-1")
        XCTAssertEqual(AWSRegion.fromAvailabilityZone("us-gov-west-1a"), "us-gov-west-1")
        XCTAssertEqual(AWSRegion.fromAvailabilityZone("us-west-2-lax-1a"), "us-west-2")
        XCTAssertEqual(AWSRegion.fromAvailabilityZone("ap-southeast-4b"), "ap-southeast-4")
        XCTAssertNil(AWSRegion.fromAvailabilityZone("garbage"))
        XCTAssertNil(AWSRegion.fromAvailabilityZone("1a"))
    }
}
