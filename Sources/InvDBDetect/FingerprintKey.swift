import Foundation
import InvDBCore
import InvDBJSON

/// The secret key of credential fingerprints, kept in a file beside the database
/// (`invdb.sqlite.key`, mode 0600): someone given only the database cannot test guesses of a
/// secret against its fingerprints, and the same database always fingerprints alike.
public enum FingerprintKey {
    /// The key for the database at `databasePath`, created on first use.
    ///
    /// - Throws: `CommandFailure` when the key file cannot be read or created.
    public static func load(forDatabase databasePath: String) throws -> [UInt8] {
        let path = databasePath + ".key"
        if let data = FileManager.default.contents(atPath: path) {
            guard data.count == 32 else { throw CommandFailure("\(path) is not an invdb fingerprint key (32 bytes expected)") }
            return Array(data)
        }
        var generator = SystemRandomNumberGenerator()
        let key = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        guard FileManager.default.createFile(atPath: path, contents: Data(key), attributes: [.posixPermissions: 0o600]) else {
            throw CommandFailure("cannot create the fingerprint key \(path)")
        }
        return key
    }
}
