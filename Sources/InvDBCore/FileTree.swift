import Glibc

/// Walks and reads local files with the POSIX calls, treating the tree as hostile: symbolic
/// links are never followed, only regular files are read, and a folder that cannot be listed is
/// reported, never skipped in silence. (A host-scan tree of 10,000 instances holds 60,000
/// files; Foundation's URL resource values cost more than the scan.)
public enum FileTree {
    /// One thing found under a root.
    public enum Entry: Equatable, Sendable {
        /// A regular file.
        case file(String)
        /// A folder (only `children(of:)` lists folders; `walk` goes into them).
        case folder(String)
        /// A symbolic link: not followed, neither to a file nor to a folder.
        case symbolicLink(String)
        /// A FIFO, socket or device: never opened (opening a FIFO blocks).
        case special(String, kind: String)
        /// A folder that could not be listed (or an entry that could not be examined).
        case unreadable(String, reason: String)

        /// The entry's path.
        public var path: String {
            switch self {
            case .file(let path), .folder(let path), .symbolicLink(let path), .special(let path, _), .unreadable(let path, _): return path
            }
        }
    }

    /// Lists a folder; tests replace it to simulate a folder that cannot be read (as root,
    /// permissions do not stop `opendir`). Only tests write it, before any listing runs.
    nonisolated(unsafe) static var openDirectory: (String) -> OpaquePointer? = { opendir($0) }

    /// Calls `visit` with every entry below `root` (recursively, going into folders; each
    /// folder's entries sorted by name), leaving out hidden entries unless `includeHidden`. A
    /// folder that cannot be listed is visited as `.unreadable`.
    public static func walk(_ root: String, includeHidden: Bool, _ visit: (Entry) throws -> Void) rethrows {
        let entries: [Entry]
        switch children(of: root, includeHidden: includeHidden) {
        case .success(let listed): entries = listed
        case .failure(let problem): return try visit(.unreadable(root, reason: problem.message))
        }
        for entry in entries {
            if case .folder(let folder) = entry {
                try walk(folder, includeHidden: includeHidden, visit)
            } else {
                try visit(entry)
            }
        }
    }

    /// The entries directly in `folder`, sorted by name (hidden ones only when asked). An entry
    /// that cannot be examined is `.unreadable`; a listing cut short by an error fails.
    public static func children(of folder: String, includeHidden: Bool = true) -> Result<[Entry], FileProblem> {
        guard let directory = openDirectory(folder) else {
            return .failure(FileProblem(String(cString: strerror(errno))))
        }
        var names: [(name: String, type: Int32)] = []
        errno = 0
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name == "." || name == ".." || (!includeHidden && name.hasPrefix(".")) { continue }
            names.append((name, Int32(entry.pointee.d_type)))
        }
        let listingError = errno
        closedir(directory)
        if listingError != 0 { return .failure(FileProblem(String(cString: strerror(listingError)))) }
        return .success(names.sorted(by: { $0.name < $1.name }).map { name, type in
            let path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
            var kind = type
            if kind == Int32(DT_UNKNOWN) {
                var info = stat()
                guard lstat(path, &info) == 0 else { return .unreadable(path, reason: String(cString: strerror(errno))) }
                kind = directoryType(info.st_mode)
            }
            switch kind {
            case Int32(DT_DIR): return .folder(path)
            case Int32(DT_REG): return .file(path)
            case Int32(DT_LNK): return .symbolicLink(path)
            case Int32(DT_FIFO): return .special(path, kind: "a FIFO")
            case Int32(DT_SOCK): return .special(path, kind: "a socket")
            default: return .special(path, kind: "a device")
            }
        })
    }

    private static func directoryType(_ mode: mode_t) -> Int32 {
        switch mode & S_IFMT {
        case S_IFDIR: return Int32(DT_DIR)
        case S_IFREG: return Int32(DT_REG)
        case S_IFLNK: return Int32(DT_LNK)
        case S_IFIFO: return Int32(DT_FIFO)
        case S_IFSOCK: return Int32(DT_SOCK)
        default: return Int32(DT_CHR)
        }
    }

    /// What is at `path` (following a symbolic link the user named): a regular file, a folder,
    /// something else (described), or nothing.
    public enum Kind: Equatable, Sendable {
        case file, folder, missing
        case other(String)
    }

    public static func kind(of path: String) -> Kind {
        var info = stat()
        guard stat(path, &info) == 0 else { return errno == ENOENT || errno == ENOTDIR ? .missing : .other(String(cString: strerror(errno))) }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .folder
        case S_IFIFO: return .other("a FIFO, not a regular file")
        case S_IFSOCK: return .other("a socket, not a regular file")
        default: return .other("a device, not a regular file")
        }
    }

    /// Opens a regular file for reading without ever blocking on a FIFO or opening a device:
    /// the open is non-blocking and the descriptor is checked before use.
    ///
    /// - Parameter followLinks: false refuses a symbolic link (`O_NOFOLLOW`).
    /// - Returns: the descriptor, or the reason it cannot be read.
    public static func openRegularFile(_ path: String, followLinks: Bool) -> Result<Int32, FileProblem> {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | (followLinks ? 0 : O_NOFOLLOW))
        guard descriptor >= 0 else {
            return .failure(FileProblem(errno == ELOOP ? "a symbolic link, not followed" : "cannot open: " + String(cString: strerror(errno))))
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            return .failure(FileProblem("not a regular file (a FIFO, socket or device); only regular files are read"))
        }
        let flags = fcntl(descriptor, F_GETFL)
        _ = fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK)
        return .success(descriptor)
    }

    /// Why a file could not be read (a message without any of the file's content).
    public struct FileProblem: Error, Equatable, Sendable {
        public var message: String
        init(_ message: String) { self.message = message }
    }

    /// The bytes of a regular file of at most `limit` bytes, not following a final symbolic
    /// link.
    ///
    /// - Throws: `FileProblem` when it cannot be read, is not a regular file, or is larger than `limit`.
    public static func read(_ path: String, limit: Int) throws(FileProblem) -> [UInt8] {
        let descriptor: Int32
        switch openRegularFile(path, followLinks: false) {
        case .success(let opened): descriptor = opened
        case .failure(let problem): throw problem
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw FileProblem("cannot be read") }
        guard Int(info.st_size) <= limit else { throw FileProblem("larger than \(limit >> 20) MB; not scanned") }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var offset = 0
        while offset < bytes.count {
            let got = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if got < 0 && errno == EINTR { continue }
            if got < 0 { throw FileProblem("cannot be read: " + String(cString: strerror(errno))) }
            guard got > 0 else { break }
            offset += got
        }
        if offset < bytes.count { bytes.removeLast(bytes.count - offset) }
        return bytes
    }
}
