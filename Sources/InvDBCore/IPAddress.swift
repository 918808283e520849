import Glibc

/// IP addresses as text, compared in one canonical form: CloudTrail, describe-instances and the
/// other listings may print the same IPv6 address differently (`2001:DB8::0:1`, `2001:db8::1`).
public enum IPAddress {
    /// The canonical text of an IPv4 or IPv6 address (`inet_ntop`'s form: dotted quad, or RFC 5952
    /// lowercase with `::`), or nil when `text` is not an address (`ec2.amazonaws.com`,
    /// `AWS Internal`).
    public static func canonical(_ text: String) -> String? {
        guard !text.isEmpty, text.utf8.count <= 45 else { return nil }
        if text.utf8.contains(UInt8(ascii: ":")) {
            var address = in6_addr()
            guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            guard inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count)) != nil else { return nil }
            return String(cString: buffer)
        }
        var address = in_addr()
        guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
        guard inet_ntop(AF_INET, &address, &buffer, socklen_t(buffer.count)) != nil else { return nil }
        return String(cString: buffer)
    }
}
