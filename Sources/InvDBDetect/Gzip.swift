import CZlib
import InvDBCore
import InvDBJSON

/// gzip (and zlib) decompression through the system zlib.
public enum Gzip {
    /// The error of data that inflates past its limit.
    public static let tooLarge = DecodeError("gzip data inflates past its size limit (a decompression bomb?)")

    /// True when `bytes` start with the gzip magic number.
    public static func isCompressed<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        bytes.starts(with: [0x1F, 0x8B])
    }

    /// Decompresses gzip data (every member of concatenated gzip data), refusing to produce more
    /// than `limit` bytes in all (a decompression bomb
    /// in user data must not exhaust memory).
    ///
    /// - Throws: `DecodeError` when the data is not valid gzip or inflates past `limit`.
    public static func decompress(_ bytes: [UInt8], limit: Int = 64 << 20) throws -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DecodeError("zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        var input = bytes
        let status: Int32 = input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = uInt(source.count)
            var code: Int32 = Z_OK
            repeat {
                code = chunk.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress
                    stream.avail_out = uInt(target.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                output.append(contentsOf: chunk[0..<produced])
                if output.count > limit { return Z_MEM_ERROR }
                if code == Z_BUF_ERROR && stream.avail_in == 0 { return Z_DATA_ERROR }
                // Concatenated members (what gunzip and cloud-init read whole): go on with the
                // next one; only zero padding may follow the last.
                if code == Z_STREAM_END && stream.avail_in > 0 {
                    let rest = UnsafeBufferPointer(start: stream.next_in, count: Int(stream.avail_in))
                    if rest.allSatisfy({ $0 == 0 }) { break }
                    guard inflateReset(&stream) == Z_OK else { return Z_DATA_ERROR }
                    code = Z_OK
                }
            } while code == Z_OK
            return code
        }
        switch status {
        case Z_STREAM_END: return output
        case Z_MEM_ERROR: throw tooLarge
        default: throw DecodeError("gzip data is corrupt or truncated")
        }
    }
}

/// Decompresses a gzip input as it is read (`ByteSource.filter`): a CloudTrail log file is read
/// without ever holding it whole. Several gzip members one after another are read as one
/// stream, as `gunzip` does. Refuses to produce more than `limit` bytes (a decompression bomb).
public final class GzipStream: ByteFilter {
    private var stream = z_stream()
    private let input: UnsafeMutablePointer<UInt8>
    private let inputSize = 1 << 18
    private let limit: Int
    private var produced = 0
    private var finished = false
    private var started = false

    /// - Parameter limit: the most bytes the input may inflate to.
    public init(limit: Int) throws {
        self.limit = limit
        input = UnsafeMutablePointer<UInt8>.allocate(capacity: inputSize)
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            input.deallocate()
            throw DecodeError("zlib could not start")
        }
    }

    deinit {
        inflateEnd(&stream)
        input.deallocate()
    }

    public func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int,
                     readRaw: (UnsafeMutablePointer<UInt8>, Int) throws -> Int) throws -> Int {
        guard !finished, count > 0 else { return 0 }
        stream.next_out = buffer
        stream.avail_out = uInt(min(count, Int(UInt32.max)))
        while stream.avail_out == uInt(min(count, Int(UInt32.max))) {
            if stream.avail_in == 0 {
                let got = try readRaw(input, inputSize)
                if got == 0 {
                    // The end of the input: complete only at the end of a member.
                    guard !started else { throw DecodeError("gzip data is truncated") }
                    finished = true
                    return 0
                }
                stream.next_in = input
                stream.avail_in = uInt(got)
            }
            started = true
            let code = inflate(&stream, Z_NO_FLUSH)
            switch code {
            case Z_OK, Z_BUF_ERROR:
                break
            case Z_STREAM_END:
                // Another member may follow.
                started = false
                inflateReset(&stream)
            default:
                throw DecodeError("gzip data is corrupt")
            }
        }
        let got = min(count, Int(UInt32.max)) - Int(stream.avail_out)
        produced += got
        if produced > limit { throw Gzip.tooLarge }
        return got
    }
}
