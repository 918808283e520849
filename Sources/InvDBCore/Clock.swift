import Foundation

/// The time invdb uses for imports, runs and reports: now, or `INVDB_NOW` (ISO 8601, e.g.
/// `2026-11-25T06:00:00Z`) so that tests and reproductions get the same bytes.
public enum Clock {
    /// `INVDB_NOW` when set (validated by `validateEnvironment`), else the system clock.
    public static func now(environment: [String: String] = ProcessInfo.processInfo.environment) -> Date {
        if let fixed = environment["INVDB_NOW"], let date = parse(fixed) { return date }
        return Date()
    }

    /// Checks `INVDB_NOW`; every command calls this first, so a malformed value is a usage
    /// error rather than a silent fall-back to the real clock.
    ///
    /// - Throws: `UsageError` when `INVDB_NOW` is set and not a valid ISO 8601 time or date.
    public static func validateEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        if let fixed = environment["INVDB_NOW"], parse(fixed) == nil {
            throw UsageError("INVDB_NOW must be an ISO 8601 time such as 2026-11-25T06:00:00Z (or +02:00), or a date such as 2026-11-25")
        }
    }

    /// Parses ISO 8601 strictly: `YYYY-MM-DD` (midnight UTC), or `YYYY-MM-DDTHH:MM:SS` with
    /// optional fractional seconds and a zone (`Z` or `±HH:MM`, honoured). Impossible dates
    /// (`2027-02-31`), non-ASCII digits and anything else are nil.
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count, range.allSatisfy({ bytes[$0] >= 48 && bytes[$0] <= 57 }) else { return nil }
            return range.reduce(0) { $0 * 10 + Int(bytes[$1] - 48) }
        }
        func byte(_ index: Int, _ expected: Character) -> Bool { index < bytes.count && bytes[index] == expected.asciiValue! }
        guard bytes.count >= 10, let year = number(0..<4), byte(4, "-"), let month = number(5..<7), byte(7, "-"),
              let day = number(8..<10) else { return nil }
        var components = DateComponents(year: year, month: month, day: day, hour: 0, minute: 0, second: 0)
        var offsetSeconds = 0
        if bytes.count > 10 {
            guard byte(10, "T") || byte(10, "t") || byte(10, " "), let hour = number(11..<13), byte(13, ":"), let minute = number(14..<16),
                  byte(16, ":"), let second = number(17..<19), hour < 24, minute < 60, second < 60 else { return nil }
            components.hour = hour
            components.minute = minute
            components.second = second
            var index = 19
            if byte(index, ".") {
                index += 1
                let start = index
                while index < bytes.count && bytes[index] >= 48 && bytes[index] <= 57 { index += 1 }
                guard index > start, index - start <= 9 else { return nil }
            }
            if byte(index, "Z") || byte(index, "z") {
                index += 1
            } else if byte(index, "+") || byte(index, "-") {
                let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
                guard let hours = number(index + 1..<index + 3), byte(index + 3, ":"), let minutes = number(index + 4..<index + 6),
                      hours < 24, minutes < 60 else { return nil }
                offsetSeconds = sign * (hours * 3600 + minutes * 60)
                index += 6
            } else {
                return nil
            }
            guard index == bytes.count else { return nil }
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: offsetSeconds)!
        components.calendar = calendar
        components.timeZone = calendar.timeZone
        guard (1...12).contains(month), (1...31).contains(day), components.isValidDate(in: calendar), let date = calendar.date(from: components) else {
            return nil
        }
        // A date the calendar rolled over (31 April) reads back differently.
        let back = calendar.dateComponents([.year, .month, .day], from: date)
        guard back.year == year, back.month == month, back.day == day else { return nil }
        return date
    }

    /// The UTC day of `date`, `YYYY-MM-DD`.
    public static func day(_ date: Date) -> String {
        String(Timestamp.iso8601(date).prefix(10))
    }
}
