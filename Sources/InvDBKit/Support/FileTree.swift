import Glibc

/// Fast listing and reading of local files with the POSIX calls: a host-scan tree of 10,000
/// instances holds 60,000 files, and Foundation's URL resource values cost more than the scan.
enum FileTree {
    /// Regular files below `root` (recursively, sorted), skipping hidden entries unless asked.
    static func files(under root: String, includeHidden: Bool) -> [String] {
        var result: [String] = []
        walk(root, includeHidden: includeHidden, into: &result)
        return result.sorted()
    }

    private static func walk(_ folder: String, includeHidden: Bool, into result: inout [String]) {
        guard let directory = opendir(folder) else { return }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name == "." || name == ".." || (!includeHidden && name.hasPrefix(".")) { continue }
            let path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
            switch Int32(entry.pointee.d_type) {
            case Int32(DT_DIR): walk(path, includeHidden: includeHidden, into: &result)
            case Int32(DT_REG): result.append(path)
            case Int32(DT_UNKNOWN), Int32(DT_LNK):
                var info = stat()
                guard stat(path, &info) == 0 else { continue }
                if (info.st_mode & S_IFMT) == S_IFDIR {
                    if Int32(entry.pointee.d_type) != Int32(DT_LNK) { walk(path, includeHidden: includeHidden, into: &result) }
                } else if (info.st_mode & S_IFMT) == S_IFREG {
                    result.append(path)
                }
            default: continue
            }
        }
    }

    /// The bytes of a file of at most `limit` bytes.
    ///
    /// - Throws: `DecodeError` when it cannot be read or is larger than `limit`.
    static func read(_ path: String, limit: Int) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw DecodeError("cannot be read: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw DecodeError("cannot be read") }
        guard Int(info.st_size) <= limit else { throw DecodeError("larger than \(limit >> 20) MB; not scanned") }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var offset = 0
        while offset < bytes.count {
            let got = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { break }
            offset += got
        }
        if offset < bytes.count { bytes.removeLast(bytes.count - offset) }
        return bytes
    }
}
