import InvDBCore
import InvDBJSON

/// Which part of CIS 1.18 a place on an instance belongs to: scripts and environment (part 2)
/// or an application's code and configuration (part 3).
public enum CredentialPlace: String, Sendable {
    case scriptOrEnvironment = "script-or-environment"
    case application

    private static let applicationExtensions: Set<String> = [
        "py", "js", "mjs", "cjs", "ts", "java", "go", "rb", "php", "cs", "kt", "scala", "rs",
        "json", "yaml", "yml", "xml", "properties", "toml", "config", "cfg", "conf",
    ]

    /// Classifies a file path: source code and application configuration are `application`;
    /// shell scripts, `.env` files, environment dumps, systemd units, `~/.aws/credentials`
    /// and paths without a telling extension are `script-or-environment`.
    public static func of(path: String?) -> CredentialPlace {
        guard let path else { return .scriptOrEnvironment }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if path.contains("/.aws/") || name.hasPrefix(".env") || name.hasSuffix(".env") || name == "environ" { return .scriptOrEnvironment }
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return .scriptOrEnvironment }
        let ext = name[name.index(after: dot)...].lowercased()
        return applicationExtensions.contains(ext) ? .application : .scriptOrEnvironment
    }

    /// True for the name of an environment dump: `env` output saved as `i-….env`, `env` or
    /// `env.txt`, or a `/proc/<pid>/environ` copy.
    public static func isEnvironmentDump(_ name: String) -> Bool {
        name == "environ" || name.hasSuffix(".environ") || name == "env" || name == "env.txt"
            || (name.hasPrefix("i-") && name.hasSuffix(".env"))
    }
}
