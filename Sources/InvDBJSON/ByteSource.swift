import Crypto
import Glibc
import InvDBCore

/// Reads the bytes of one input (a file or standard input) in chunks, hashing them as they pass.
///
/// Nothing is held beyond the chunk the caller asks for, so memory stays bounded however large
/// the input is.
public final class ByteSource {
    /// The name used in messages: the path as given, or `-` for standard input.
    public let name: String
    /// Bytes read so far.
    public private(set) var bytesRead = 0
    /// The file's size when known up front (regular files), for progress lines.
    public let expectedSize: Int?
    /// Called after each chunk with the running byte count.
    public var onProgress: ((Int) -> Void)?

    private let descriptor: Int32
    private let closesDescriptor: Bool
    private var hasher = SHA256()
    private var memory: [UInt8]?
    private var memoryOffset = 0

    /// A source over bytes already in memory (a decoded field, a test's document).
    public init(name: String, bytes: [UInt8]) {
        self.name = name
        memory = bytes
        descriptor = -1
        closesDescriptor = false
        expectedSize = bytes.count
    }

    /// Opens `path` for reading; `-` means standard input. Only regular files are read: a
    /// FIFO, socket or device is refused (opening a FIFO would block forever).
    ///
    /// - Throws: `InputError.unreadable` when the file cannot be opened or is not a regular file.
    public init(path: String) throws {
        name = path
        if path == "-" {
            descriptor = STDIN_FILENO
            closesDescriptor = false
            expectedSize = nil
            return
        }
        switch FileTree.openRegularFile(path, followLinks: true) {
        case .success(let fd):
            var info = stat()
            expectedSize = fstat(fd, &info) == 0 ? Int(info.st_size) : nil
            descriptor = fd
            closesDescriptor = true
        case .failure(let problem):
            throw InputError(.unreadable, file: path, message: problem.message)
        }
    }

    deinit {
        if closesDescriptor { close(descriptor) }
    }

    /// Reads up to `count` bytes into `buffer`; returns 0 at the end of the input.
    public func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
        if let memory {
            let got = min(count, memory.count - memoryOffset)
            memory.withUnsafeBufferPointer { bytes in
                if got > 0 { buffer.update(from: bytes.baseAddress! + memoryOffset, count: got) }
            }
            if got > 0 {
                hasher.update(bufferPointer: UnsafeRawBufferPointer(start: buffer, count: got))
            }
            memoryOffset += got
            bytesRead += got
            return got
        }
        while true {
            let got = Glibc.read(descriptor, buffer, count)
            if got < 0 {
                if errno == EINTR { continue }
                throw InputError(.unreadable, file: name, message: "cannot read: \(String(cString: strerror(errno)))")
            }
            if got > 0 {
                hasher.update(bufferPointer: UnsafeRawBufferPointer(start: buffer, count: got))
                bytesRead += got
                onProgress?(bytesRead)
            }
            return got
        }
    }

    /// Reads and hashes whatever is left, so the digest covers the whole input.
    public func drain() throws {
        let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: 1 << 16)
        defer { scratch.deallocate() }
        while try read(into: scratch, count: 1 << 16) > 0 {}
    }

    /// The SHA-256 of every byte read so far, lowercase hex. Call once, at the end.
    public func sha256Hex() -> String {
        hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
