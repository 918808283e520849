import Foundation
import Glibc
import InvDBChecks
import InvDBCore
import InvDBJSON

/// Where rendered output goes, piece by piece: renderers stream into a sink, so no output format
/// holds all results.
public protocol OutputSink: AnyObject {
    /// Takes the next bytes of the output.
    func write(_ bytes: OutputBytes) throws
    /// The output is complete (a file is published).
    func finish() throws
}

/// Writes to an open descriptor (standard output).
public final class DescriptorSink: OutputSink {
    private let descriptor: Int32
    private let name: String

    public init(descriptor: Int32, name: String) {
        self.descriptor = descriptor
        self.name = name
    }

    /// Standard output.
    public static func standardOutput() -> DescriptorSink { DescriptorSink(descriptor: STDOUT_FILENO, name: "standard output") }

    public func write(_ bytes: OutputBytes) throws {
        try OutputFile.write(bytes, to: descriptor, name: name)
    }

    public func finish() throws {}
}

/// Keeps the output in memory (tests, short outputs).
public final class MemorySink: OutputSink {
    public private(set) var bytes = OutputBytes()

    public init() {}

    public func write(_ more: OutputBytes) throws { bytes.append(more) }
    public func finish() throws {}

    /// The output as text.
    public var string: String { bytes.string }
}

/// A temporary file that holds a renderer's body while the part that goes before it is not known
/// yet (the Markdown summary table needs every count), then is copied into the real sink: the
/// output stays out of memory whatever its size.
final class SpillFile {
    private let descriptor: Int32

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/invdb-spill-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw CommandFailure("cannot create a temporary file: \(String(cString: strerror(errno)))") }
        unlink(String(cString: template))   // gone from the file system; only this descriptor reaches it
        descriptor = fd
    }

    deinit { close(descriptor) }

    func write(_ bytes: OutputBytes) throws {
        try OutputFile.write(bytes, to: descriptor, name: "a temporary file")
    }

    /// Writes everything spilled so far into `sink`.
    func copy(into sink: any OutputSink) throws {
        guard lseek(descriptor, 0, SEEK_SET) == 0 else { throw CommandFailure("cannot read back a temporary file") }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let got = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress!, $0.count) }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else { throw CommandFailure("cannot read back a temporary file: \(String(cString: strerror(errno)))") }
            if got == 0 { return }
            var piece = OutputBytes()
            buffer.withUnsafeBufferPointer { piece.append(UnsafeBufferPointer(rebasing: $0[0..<got])) }
            try sink.write(piece)
        }
    }
}

/// Output bytes on their way to a sink: a renderer appends to `bytes` and calls `flushIfLarge()`
/// after each row, so at most about a megabyte is held.
public final class BufferedSink {
    public var bytes = OutputBytes()
    private let sink: any OutputSink

    public init(_ sink: any OutputSink) {
        self.sink = sink
    }

    /// Hands the bytes over once they pass `OutputBytes.flushThreshold`.
    @inline(__always)
    public func flushIfLarge() throws {
        if bytes.count >= OutputBytes.flushThreshold { try flush() }
    }

    public func flush() throws {
        guard bytes.count > 0 else { return }
        try sink.write(bytes)
        bytes.removeAll()
    }

    /// Hands over the rest and completes the sink.
    public func finish() throws {
        try flush()
        try sink.finish()
    }
}
