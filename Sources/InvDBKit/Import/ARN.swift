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
