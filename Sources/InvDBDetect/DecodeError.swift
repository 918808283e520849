import InvDBCore
import InvDBJSON

/// A layer of user data or a collected file that could not be decoded.
public struct DecodeError: Error, CustomStringConvertible, Equatable {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
