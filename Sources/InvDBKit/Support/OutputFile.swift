import Foundation
import Glibc

/// Writes rendered output to a descriptor, or to a file atomically and safely.
///
/// A file is written to a temporary file beside it — created exclusively (`O_EXCL`), never
/// through a symbolic link (`O_NOFOLLOW`), with mode 0600 — then renamed into place, so a reader
/// sees the old file or the whole new one. A target that exists and is not a regular file (a
/// device such as `/dev/null`, a FIFO) is written directly, never renamed over.
public enum OutputFile {
    /// Writes every chunk of `bytes` to `descriptor`.
    public static func write(_ bytes: OutputBytes, to descriptor: Int32, name: String) throws {
        try bytes.forEachChunk { chunk in
            var offset = 0
            while offset < chunk.count {
                let written = Glibc.write(descriptor, chunk.baseAddress! + offset, chunk.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    if errno == EPIPE { return }
                    throw CommandFailure("cannot write \(name): \(String(cString: strerror(errno)))")
                }
                offset += written
            }
        }
    }

    /// Writes `bytes` to `path` (see the type's documentation).
    public static func writeAtomically(_ bytes: OutputBytes, to path: String) throws {
        let staged = try stage(bytes, for: path)
        try staged.commit()
    }

    /// A file written to its temporary name, waiting to be renamed into place (or discarded):
    /// lets a command write several files and a database transaction, and publish all of them
    /// only when every one succeeded.
    public final class Staged {
        let temporary: String?
        public let path: String
        private var done = false

        init(temporary: String?, path: String) {
            self.temporary = temporary
            self.path = path
        }

        /// Renames the file into place.
        ///
        /// - Throws: `CommandFailure` when the rename fails (the temporary file is removed).
        public func commit() throws {
            guard !done else { return }
            done = true
            guard let temporary else { return }
            guard rename(temporary, path) == 0 else {
                let reason = String(cString: strerror(errno))
                unlink(temporary)
                throw CommandFailure("cannot write \(path): \(reason)")
            }
        }

        /// Removes the temporary file.
        public func discard() {
            guard !done else { return }
            done = true
            if let temporary { unlink(temporary) }
        }

        deinit { discard() }
    }

    /// Writes `bytes` to a new temporary file beside `path` (or straight into `path` when it is
    /// a device or FIFO) and returns it staged.
    ///
    /// - Throws: `CommandFailure` when the file cannot be created or written.
    public static func stage(_ bytes: OutputBytes, for path: String) throws -> Staged {
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG, info.st_mode & S_IFMT != S_IFDIR {
            let descriptor = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC)
            guard descriptor >= 0 else { throw CommandFailure("cannot write \(path): \(String(cString: strerror(errno)))") }
            defer { close(descriptor) }
            try write(bytes, to: descriptor, name: path)
            return Staged(temporary: nil, path: path)
        }
        let url = URL(fileURLWithPath: path)
        var descriptor: Int32 = -1
        var temporary = ""
        for _ in 0..<16 {
            let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
            temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(suffix).tmp").path
            descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if descriptor >= 0 || errno != EEXIST { break }
        }
        guard descriptor >= 0 else {
            throw CommandFailure("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        do {
            try write(bytes, to: descriptor, name: path)
            guard fsync(descriptor) == 0 else { throw CommandFailure("cannot write \(path): \(String(cString: strerror(errno)))") }
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        guard close(descriptor) == 0 else {
            unlink(temporary)
            throw CommandFailure("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        return Staged(temporary: temporary, path: path)
    }
}
