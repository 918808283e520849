import InvDBCore
import InvDBDetect
import InvDBJSON
import InvDBStore

/// The parts of an Amazon Resource Name (`arn:partition:service:region:account:resource`).
public struct ARN: Equatable, Sendable {
    public var partition: String
    public var service: String
    public var region: String
    public var account: String
    public var resource: String

    /// Parses `text`; nil when it is not an ARN.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn" else { return nil }
        partition = String(parts[1])
        service = String(parts[2])
        region = String(parts[3])
        account = String(parts[4])
        resource = String(parts[5])
    }
}

/// Region names derived from availability zone names.
public enum AWSRegion {
    /// The region of an availability zone: `us-east-1a` → `us-east-1`,
    /// `us-west-2-lax-1a` (a Local Zone) → `us-west-2`. Nil when the name has no region shape.
    public static func fromAvailabilityZone(_ zone: String) -> String? {
        let parts = zone.split(separator: "-")
        guard parts.count >= 3 else { return nil }
        var regionParts: [Substring] = []
        for part in parts {
            if let first = part.first, first.isNumber {
                let digits = part.prefix(while: \.isNumber)
                guard regionParts.count >= 2 else { return nil }
                return (regionParts + [digits]).joined(separator: "-")
            }
            guard part.allSatisfy({ $0.isLetter && $0.isLowercase }) else { return nil }
            regionParts.append(part)
        }
        return nil
    }
}

/// AWS account ids.
public enum AWSAccount {
    /// True for exactly twelve ASCII digits.
    public static func isValid(_ text: String) -> Bool {
        text.utf8.count == 12 && text.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
    }
}

extension AWSRegion {
    /// True for a region name such as `us-east-1` or `us-gov-west-1` (ASCII lower-case words and
    /// a number).
    public static func isValidName(_ text: String) -> Bool {
        text.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == UInt8(ascii: "-") }
            && fromAvailabilityZone(text + "a") == text
    }
}

/// Access key ids.
public enum AWSAccessKey {
    /// The account a key id encodes: since 2019 the 16 characters after the prefix are base32
    /// whose first 46 bits after one carry the account id (the decoding Tal Be'ery described;
    /// `aws sts get-access-key-info` answers the same). Nil when the id is not base32; older keys
    /// decode to an account that is not theirs, so the result is only a hint to check against
    /// the imported accounts.
    public static func accountId(fromKeyId keyId: String) -> String? {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)
        let characters = Array(keyId.utf8)
        guard characters.count == 20 else { return nil }
        var bits: UInt64 = 0
        // The first 48 bits are the first 9.6 characters: read 10 (50 bits) and drop 2.
        for character in characters[4..<14] {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            bits = bits << 5 | UInt64(value)
        }
        let first48 = bits >> 2
        let account = (first48 & 0x7fff_ffff_ff80) >> 7
        let text = String(account)
        return String(repeating: "0", count: max(0, 12 - text.count)) + text
    }
}
