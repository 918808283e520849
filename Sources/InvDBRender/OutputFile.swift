import Foundation
import Glibc
import InvDBChecks
import InvDBCore
import InvDBJSON

/// Writes rendered output to a descriptor, or to a file atomically and safely.
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
}

/// A file written under a temporary name beside its path — created exclusively (`O_EXCL`), never
/// through a symbolic link (`O_NOFOLLOW`), mode 0600 — and renamed into place by `publish()`, so
/// a reader sees the old file or the whole new one. A path that is a device or a FIFO
/// (`/dev/null`) is written directly and never renamed over. A command that writes files and
/// records a run publishes the files only once the run is committed; `discard()` (or dropping
/// the object unpublished) removes the temporary file.
public final class StagedFile: OutputSink {
    /// Where the file goes.
    public let path: String
    private let temporary: String?
    private var descriptor: Int32
    private var state = State.writing

    private enum State { case writing, finished, done }

    /// Creates the temporary file (or opens the device).
    ///
    /// - Throws: `CommandFailure` when it cannot be created.
    public init(path: String) throws {
        self.path = path
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG, info.st_mode & S_IFMT != S_IFDIR {
            descriptor = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC)
            guard descriptor >= 0 else { throw CommandFailure("cannot write \(path): \(String(cString: strerror(errno)))") }
            temporary = nil
            return
        }
        let url = URL(fileURLWithPath: path)
        var created: (Int32, String) = (-1, "")
        for _ in 0..<16 {
            let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
            let candidate = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(suffix).tmp").path
            created = (open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600), candidate)
            if created.0 >= 0 || errno != EEXIST { break }
        }
        guard created.0 >= 0 else { throw CommandFailure("cannot write \(path): \(String(cString: strerror(errno)))") }
        descriptor = created.0
        temporary = created.1
    }

    deinit { discard() }

    public func write(_ bytes: OutputBytes) throws {
        do {
            try OutputFile.write(bytes, to: descriptor, name: path)
        } catch {
            discard()
            throw error
        }
    }

    /// Makes the written bytes durable and closes the file (it is not in place yet).
    public func finish() throws {
        guard state == .writing else { return }
        state = .finished
        if temporary != nil && fsync(descriptor) != 0 {
            let reason = String(cString: strerror(errno))
            discard()
            throw CommandFailure("cannot write \(path): \(reason)")
        }
        guard close(descriptor) == 0 else {
            descriptor = -1
            discard()
            throw CommandFailure("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        descriptor = -1
    }

    /// Renames the finished file into place.
    ///
    /// - Throws: `CommandFailure` when the rename fails (the temporary file is removed).
    public func publish() throws {
        try finish()
        guard state == .finished else { return }
        state = .done
        guard let temporary else { return }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw CommandFailure("cannot write \(path): \(reason)")
        }
    }

    /// Removes the temporary file (nothing is published).
    public func discard() {
        guard state != .done else { return }
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        state = .done
        if let temporary { unlink(temporary) }
    }
}
