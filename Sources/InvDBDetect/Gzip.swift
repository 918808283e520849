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

    /// Decompresses gzip data, refusing to produce more than `limit` bytes (a decompression bomb
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
