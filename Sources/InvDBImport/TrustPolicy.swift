import Foundation
import InvDBCore
import InvDBDetect
import InvDBJSON
import InvDBStore

/// Reads an IAM role's trust policy (`AssumeRolePolicyDocument`) to decide whether EC2 can
/// assume the role — the condition for a role in an instance profile to be usable.
public enum TrustPolicy {
    /// Service principals that stand for EC2 (the China partitions use the `.cn` form).
    static let ec2Principals: Set<String> = ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"]

    /// The policy document as JSON: the CLI prints it as an object (already URL-decoded); the
    /// raw API returns a URL-encoded string, which is decoded here.
    ///
    /// - Throws: `InputError` when the string form is not JSON.
    public static func document(from value: JSONValue, location: RecordLocation) throws -> JSONValue? {
        switch value {
        case .object: return value
        case .string(let text):
            let decoded = text.removingPercentEncoding ?? text
            do {
                return try JSONValue.parse(decoded, name: location.file)
            } catch {
                throw location.invalid("AssumeRolePolicyDocument is a string that is not a JSON policy")
            }
        case .null: return nil
        default:
            throw location.invalid("AssumeRolePolicyDocument should be an object, found \(value.kindName)")
        }
    }

    /// True when an `Allow` statement lets EC2 (or any principal, `*`) call `sts:AssumeRole`
    /// and no `Deny` statement takes that away. Conditions are not evaluated: a conditional
    /// allow counts as an allow.
    public static func trustsEC2(_ policy: JSONValue?) -> Bool {
        guard let policy, let statement = policy["Statement"] else { return false }
        let statements = statement.elements.isEmpty ? [statement] : statement.elements
        var allowed = false
        for item in statements {
            guard appliesToEC2AssumeRole(item) else { continue }
            switch item["Effect"]?.string {
            case "Allow": allowed = true
            case "Deny": return false
            default: continue
            }
        }
        return allowed
    }

    private static func appliesToEC2AssumeRole(_ statement: JSONValue) -> Bool {
        let actions = strings(statement["Action"])
        guard actions.contains(where: { wildcardMatches(pattern: $0.lowercased(), text: "sts:assumerole") }) else {
            return false
        }
        guard let principal = statement["Principal"] else { return false }
        if principal.string == "*" { return true }
        if strings(principal["AWS"]).contains("*") { return true }
        return strings(principal["Service"]).contains(where: ec2Principals.contains)
    }

    private static func strings(_ value: JSONValue?) -> [String] {
        guard let value else { return [] }
        if let single = value.string { return [single] }
        return value.elements.compactMap(\.string)
    }

    /// IAM's wildcard matching: `*` any run of characters, `?` one character.
    static func wildcardMatches(pattern: String, text: String) -> Bool {
        let p = Array(pattern), t = Array(text)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count && (p[pi] == "?" || p[pi] == t[ti]) {
                pi += 1; ti += 1
            } else if pi < p.count && p[pi] == "*" {
                star = pi; mark = ti; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; ti = mark
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
