import Foundation

/// The time invdb uses for imports, runs and reports: now, or `INVDB_NOW` (ISO 8601, e.g.
/// `2026-11-25T06:00:00Z`) so that tests and reproductions get the same bytes.
public enum Clock {
    public static func now(environment: [String: String] = ProcessInfo.processInfo.environment) -> Date {
        if let fixed = environment["INVDB_NOW"], let date = parse(fixed) { return date }
        return Date()
    }

    /// Parses `YYYY-MM-DDTHH:MM:SSZ` (or a bare date, as midnight UTC).
    public static func parse(_ text: String) -> Date? {
        let parts = text.split(whereSeparator: { "-T:Z".contains($0) }).compactMap { Int($0) }
        guard parts.count == 3 || parts.count >= 6 else { return nil }
        var components = DateComponents()
        components.calendar = Calendar(identifier: .gregorian)
        components.timeZone = TimeZone(identifier: "UTC")
        components.year = parts[0]
        components.month = parts[1]
        components.day = parts[2]
        components.hour = parts.count >= 6 ? parts[3] : 0
        components.minute = parts.count >= 6 ? parts[4] : 0
        components.second = parts.count >= 6 ? parts[5] : 0
        guard let date = components.date, (1...12).contains(parts[1]), (1...31).contains(parts[2]) else { return nil }
        return date
    }

    /// The UTC day of `date`, `YYYY-MM-DD`.
    public static func day(_ date: Date) -> String {
        String(Timestamp.iso8601(date).prefix(10))
    }
}
