import InvDBCore
import InvDBStore

extension String {
    /// True when the text holds nothing but white space and SQL comments.
    var isOnlyWhitespaceAndComments: Bool {
        var rest = Substring(self)
        while true {
            rest = rest.drop(while: { $0.isWhitespace })
            if rest.hasPrefix("--") {
                rest = rest.drop(while: { $0 != "\n" })
            } else if rest.hasPrefix("/*"), let end = rest.range(of: "*/") {
                rest = rest[end.upperBound...]
            } else {
                return rest.isEmpty
            }
        }
    }
}
