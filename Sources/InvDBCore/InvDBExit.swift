/// The exit codes invdb promises (documented in the README).
public enum InvDBExit {
    /// Success, and no check found a problem.
    public static let success: Int32 = 0
    /// The checks ran and some result is `alarm` or `error`.
    public static let findings: Int32 = 1
    /// Bad input: a malformed or unreadable file, a database from a newer invdb, a bad SQL query.
    public static let badInput: Int32 = 2
    /// Wrong command-line usage (argument parser's validation error).
    public static let usage: Int32 = 64
}
