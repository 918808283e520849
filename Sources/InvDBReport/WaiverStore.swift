import Foundation
import GRDB
import InvDBChecks
import InvDBCore
import InvDBStore

/// Waivers live in the database (table `waivers`) and survive re-imports.
public enum WaiverStore {
    /// Adds (or replaces) the waiver of `checkId` for `resource`.
    ///
    /// - Throws: `UsageError` when the reason or owner is empty, or the expiry is not a date
    ///   from today on.
    public static func add(_ database: InvDatabase, checkId: String, resource: String, reason: String, owner: String,
                           expires: String, now: Date) throws -> Waiver {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        let owner = owner.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw UsageError("a waiver needs a reason (--reason)") }
        guard !owner.isEmpty else { throw UsageError("a waiver needs an owner (--owner)") }
        guard let date = Clock.parse(expires), expires.count == 10 else {
            throw UsageError("--expires must be a date such as 2026-12-31, not '\(expires)'")
        }
        let expiresOn = Clock.day(date)
        guard expiresOn >= Clock.day(now) else {
            throw UsageError("--expires \(expiresOn) is in the past; a waiver must end today or later")
        }
        let createdAt = Timestamp.iso8601(now)
        return try database.write { db in
            try db.execute(sql: """
                INSERT INTO waivers(check_id, resource, reason, owner, expires_on, created_at) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(check_id, resource) DO UPDATE SET reason = excluded.reason, owner = excluded.owner,
                    expires_on = excluded.expires_on, created_at = excluded.created_at
                """, arguments: [checkId, resource, reason, owner, expiresOn, createdAt])
            return try fetch(db).first { $0.checkId == checkId && $0.resource == resource }!
        }
    }

    /// Removes a waiver by id; returns false when there was none.
    public static func remove(_ database: InvDatabase, id: Int) throws -> Bool {
        try database.write { db in
            try db.execute(sql: "DELETE FROM waivers WHERE waiver_id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    /// Every waiver, active and expired.
    public static func all(_ database: InvDatabase) throws -> [Waiver] {
        try database.read { db in try fetch(db) }
    }

    static func fetch(_ db: Database) throws -> [Waiver] {
        try Row.fetchAll(db, sql: "SELECT * FROM waivers ORDER BY check_id, resource").map { row in
            Waiver(id: row["waiver_id"], checkId: row["check_id"], resource: row["resource"], reason: row["reason"],
                   owner: row["owner"], expiresOn: row["expires_on"], createdAt: row["created_at"])
        }
    }

    /// The results the waivers active on `day` (`YYYY-MM-DD`) cover.
    public static func activeResults(_ waivers: [Waiver], on day: String) -> Set<WaivedResult> {
        Set(waivers.filter { $0.isActive(on: day) }.map(\.coveredResult))
    }
}
