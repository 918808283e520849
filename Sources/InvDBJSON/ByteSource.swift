import Crypto
import Glibc
import InvDBCore

/// Turns the raw bytes of an input into the bytes its reader sees (gzip decompression):
/// `ByteSource` hashes and counts the raw bytes, the reader gets the filtered ones.
public protocol ByteFilter: AnyObject {
    /// Writes up to `count` filtered bytes into `buffer`, pulling raw bytes with `readRaw` (which
    /// returns 0 at the end of the input); returns 0 at the end of the filtered bytes.
    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int,
              readRaw: (UnsafeMutablePointer<UInt8>, Int) throws -> Int) throws -> Int
}

/// Reads the bytes of one input (a file or standard input) in chunks, hashing them as they pass.
///
/// Nothing is held beyond the chunk the caller asks for, so memory stays bounded however large
/// the input is. A `filter` (gzip) may stand between the raw bytes and the reader.
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
    /// Raw bytes read (and hashed) by `peekRaw` but not handed out yet.
    private var pending: [UInt8] = []
    /// Decompression between the raw bytes and the reader, when set (before the first `read`).
    public var filter: (any ByteFilter)?

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

    /// Reads up to `count` bytes into `buffer` (through the filter, when there is one); returns 0
    /// at the end of the input.
    public func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
        guard let filter else { return try readRaw(into: buffer, count: count) }
        do {
            return try filter.read(into: buffer, count: count) { try self.readRaw(into: $0, count: $1) }
        } catch let error as InputError {
            throw error
        } catch {
            throw InputError(.unreadable, file: name, message: "\(error)")
        }
    }

    /// The first `count` raw bytes (fewer at the end of the input), without consuming them: how
    /// a gzip file is recognised before a filter is set.
    public func peekRaw(_ count: Int) throws -> [UInt8] {
        while pending.count < count {
            let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: count - pending.count)
            defer { scratch.deallocate() }
            let got = try readSource(into: scratch, count: count - pending.count)
            if got == 0 { break }
            pending.append(contentsOf: UnsafeBufferPointer(start: scratch, count: got))
        }
        return Array(pending.prefix(count))
    }

    private func readRaw(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
        if !pending.isEmpty {
            let got = min(count, pending.count)
            pending.withUnsafeBufferPointer { buffer.update(from: $0.baseAddress!, count: got) }
            pending.removeFirst(got)
            return got
        }
        return try readSource(into: buffer, count: count)
    }

    private func readSource(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
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
        while try readRaw(into: scratch, count: 1 << 16) > 0 {}
    }

    /// The SHA-256 of every byte read so far, lowercase hex. Call once, at the end.
    public func sha256Hex() -> String {
        Hex.string(hasher.finalize())
    }
}
