import Crypto
import Foundation
import InvDBCore
import InvDBJSON

/// HMAC-SHA256 (swift-crypto), for credential fingerprints.
enum HMACSHA256 {
    static func hex(key: [UInt8], message: [UInt8]) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key))
        return Hex.string(code)
    }
}
