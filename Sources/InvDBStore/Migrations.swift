import Foundation
import InvDBCore

/// The numbered SQL migrations in `Schema/` (`0001_inventory.sql`, …), applied in order.
///
/// Migrations are forward-only, applied inside the first write transaction that needs them and
/// recorded in `grdb_migrations`; a database that holds a migration this build does not know was
/// made by a newer invdb and is refused (`InvDatabase`).
public struct Migrations: Sendable {
    /// Migration identifiers (file names without `.sql`) and their SQL, in order.
    public let steps: [(identifier: String, sql: String)]

    /// Loads every `NNNN_name.sql` file of `directory`.
    public init(directory: URL) throws {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw CommandFailure("cannot read the schema folder \(directory.path): \(error.localizedDescription)")
        }
        steps = try names
            .filter { $0.hasSuffix(".sql") && $0.first?.isNumber == true }
            .sorted()
            .map { name in
                let sql = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
                return (String(name.dropLast(4)), sql)
            }
        guard !steps.isEmpty else { throw CommandFailure("no migrations found in \(directory.path)") }
    }
}
