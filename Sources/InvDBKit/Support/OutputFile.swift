import Foundation
import Glibc

/// Writes rendered output to a descriptor, or to a file atomically.
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
                    throw UsageError("cannot write \(name): \(String(cString: strerror(errno)))")
                }
                offset += written
            }
        }
    }

    /// Writes `bytes` to a temporary file beside `path`, then renames it into place: a reader
    /// sees the old file or the whole new one, never half of it.
    public static func writeAtomically(_ bytes: OutputBytes, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp").path
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else {
            throw UsageError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        do {
            try write(bytes, to: descriptor, name: path)
            guard fsync(descriptor) == 0, close(descriptor) == 0 else {
                throw UsageError("cannot write \(path): \(String(cString: strerror(errno)))")
            }
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw UsageError("cannot write \(path): \(reason)")
        }
    }
}
