import Foundation
import Glibc

/// Terminal detection, colours and messages on standard error.
public enum Terminal {
    public enum Stream { case standardOutput, standardError }

    /// True when `stream` is a terminal (not a pipe or a file).
    public static func isTerminal(_ stream: Stream) -> Bool {
        isatty(stream == .standardOutput ? STDOUT_FILENO : STDERR_FILENO) == 1
    }

    /// Prints a message on standard error, made safe first (`SafeText.line`): no control
    /// characters, no secret-shaped text, no line longer than 1,000 characters.
    public static func printError(_ line: String) {
        FileHandle.standardError.write(Data((SafeText.line(line) + "\n").utf8))
    }

    /// Prints a message on standard output, made safe like `printError`.
    public static func printOutput(_ line: String) {
        FileHandle.standardOutput.write(Data((SafeText.line(line) + "\n").utf8))
    }

    /// Wraps `text` in an ANSI colour when `enabled`.
    public static func colored(_ text: String, _ code: Int, enabled: Bool) -> String {
        enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}

extension Terminal {
    /// The width for tables: the terminal's when standard output is one, else `$COLUMNS`, else 80.
    public static func columns() -> Int {
        var size = winsize()
        if isTerminal(.standardOutput), ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
            return Int(size.ws_col)
        }
        if let text = ProcessInfo.processInfo.environment["COLUMNS"], let value = Int(text), value > 0 { return value }
        return 80
    }
}
