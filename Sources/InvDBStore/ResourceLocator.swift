import Foundation
import InvDBCore

/// Finds the `Schema/` and `Queries/` folders that ship with invdb.
///
/// Search order: `$INVDB_SHARE`; `<prefix>/share/invdb` next to an installed binary
/// (`<prefix>/bin/invdb`); then the folders above the executable, so a binary built in
/// `.build/…` inside the source tree finds the tree's own files.
public struct ResourceLocator: Sendable {
    /// The folder holding `Schema/` and `Queries/`.
    public let root: URL

    public var schemaDirectory: URL { root.appendingPathComponent("Schema", isDirectory: true) }
    public var queriesDirectory: URL { root.appendingPathComponent("Queries", isDirectory: true) }

    public init(root: URL) {
        self.root = root
    }

    /// Locates the shared files, or throws a message that says where it looked.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment,
                              executable: URL = executableURL()) throws -> ResourceLocator {
        var candidates: [URL] = []
        if let share = environment["INVDB_SHARE"], !share.isEmpty {
            candidates.append(URL(fileURLWithPath: share, isDirectory: true))
        }
        let binDirectory = executable.deletingLastPathComponent()
        candidates.append(binDirectory.deletingLastPathComponent().appendingPathComponent("share/invdb", isDirectory: true))
        var folder = binDirectory
        while folder.path != "/" && !folder.path.isEmpty {
            candidates.append(folder)
            folder = folder.deletingLastPathComponent()
        }
        for candidate in candidates where isResourceRoot(candidate) {
            return ResourceLocator(root: candidate.standardizedFileURL)
        }
        throw CommandFailure("cannot find invdb's Schema/ and Queries/ folders (looked in \(candidates.prefix(3).map(\.path).joined(separator: ", ")) and above); set INVDB_SHARE to the folder that holds them")
    }

    private static func isResourceRoot(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        let fm = FileManager.default
        return fm.fileExists(atPath: url.appendingPathComponent("Schema").path, isDirectory: &isDirectory) && isDirectory.boolValue
            && fm.fileExists(atPath: url.appendingPathComponent("Queries").path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// The running executable, with symbolic links resolved.
    public static func executableURL() -> URL {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: resolved)
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    }
}
