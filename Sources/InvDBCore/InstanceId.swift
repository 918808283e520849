/// EC2 instance ids as they appear in names and paths: `i-` and 8 or 17 lower-case hex digits.
///
/// Host files and scanner findings are tied to an instance by these ids alone, so the rules live
/// in one place: `invdb scan`, scanner-report import and user-data import all use them.
public enum InstanceId {
    /// True for `i-` followed by 8 or 17 lower-case hex digits.
    public static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10 || bytes.count == 19, bytes[0] == UInt8(ascii: "i"), bytes[1] == UInt8(ascii: "-") else { return false }
        return bytes.dropFirst(2).allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }

    /// The instance id a file or folder name stands for: the id alone, or followed by a dot
    /// (`i-0abc….env`).
    public static func of(name: String) -> String? {
        let stem = name.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? name
        return isValid(stem) ? stem : nil
    }

    /// The outermost instance id among the components of `path` (`hosts/i-0abc…/etc/…`).
    public static func of(path: String) -> String? {
        for component in path.split(separator: "/") {
            if let id = of(name: String(component)) { return id }
        }
        return nil
    }
}
