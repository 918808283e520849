import InvDBCore
import InvDBDetect
import InvDBJSON
import InvDBStore

/// Reads CloudTrail records one at a time onto a tape and hands them to the run's
/// `CloudTrailWriter`; records it cannot read are counted and reported, never dropped silently.
class CloudTrailRecordReader {
    private var tape = JSONTape()
    private var unreadable: [String: Int] = [:]

    /// Reads the record the reader is on.
    func readRecord(_ reader: JSONStreamReader, file: FileImport) throws {
        tape.reset()
        try reader.readValue(into: &tape)
        try add(tape, file: file)
    }

    func add(_ tape: JSONTape, file: FileImport) throws {
        guard let root = tape.root else { return }
        guard tape.kind(root) == .object else {
            unreadable[CloudTrailRecord.RecordProblem.notAnObject.message, default: 0] += 1
            return
        }
        let writer = try file.run.cloudTrail()
        // Most records are only counted: read their few fields as bytes, without strings. A
        // field written with JSON escapes (AWS never does) sends the record the slow way, where
        // every field is decoded, so that an escape can neither hide a record nor move it.
        var verdict = FastVerdict.slow
        try tape.bytes.withUnsafeBufferPointer { bytes in
            var escaped = false
            func plain(_ index: Int?) -> UnsafeBufferPointer<UInt8>? {
                guard let index else { return nil }
                let node = tape.nodes[index]
                if node.kind == .escapedString { escaped = true }
                guard node.kind == .string, node.length > 0 else { return nil }
                return UnsafeBufferPointer(rebasing: bytes[Int(node.start)..<Int(node.start + node.length)])
            }
            let identity = tape.member(root, "userIdentity")
            let time = plain(tape.member(root, "eventTime"))
            let account = plain(tape.member(root, "recipientAccountId")), region = plain(tape.member(root, "awsRegion"))
            let key = plain(tape.member(identity, "accessKeyId")), type = plain(tape.member(identity, "type"))
            let arn = plain(tape.member(identity, "arn"))
            guard !escaped else { return }
            guard let time, CloudTrailRecord.isEventTime(time) else {
                verdict = .unreadableTime
                return
            }
            guard try writer.count(key: CloudTrailRecord.eventKey(tape, at: root), account: account, region: region,
                                   day: UnsafeBufferPointer(rebasing: time[0..<10])) else {
                verdict = .drop
                return
            }
            if let key, key.starts(with: "AKIA".utf8) {
                verdict = .keep
            } else if let type, type.elementsEqual("AssumedRole".utf8), let arn {
                // Kept only when the session is named after an instance: …/i-0123456789abcdef0.
                let session = arn.lastIndex(of: UInt8(ascii: "/")).map { UnsafeBufferPointer(rebasing: arn[($0 + 1)...]) } ?? arn
                verdict = (session.count == 10 || session.count == 19) && session.starts(with: "i-".utf8) ? .keep : .drop
            } else {
                verdict = .drop
            }
        }
        if verdict == .slow {
            // Counted here with decoded fields; `isKept` decides what is stored.
            let day = tape.string(tape.member(root, "eventTime")).map { Array($0.utf8) } ?? []
            guard day.count >= 10, CloudTrailRecord.isEventTime(day) else {
                unreadable[CloudTrailRecord.RecordProblem.eventTime.message, default: 0] += 1
                return
            }
            let account = tape.string(tape.member(root, "recipientAccountId")).flatMap { $0.isEmpty ? nil : Array($0.utf8) }
            let region = tape.string(tape.member(root, "awsRegion")).flatMap { $0.isEmpty ? nil : Array($0.utf8) }
            let first = try Self.withOptionalBuffer(account) { account in
                try Self.withOptionalBuffer(region) { region in
                    try day.withUnsafeBufferPointer { day in
                        try writer.count(key: CloudTrailRecord.eventKey(tape, at: root), account: account, region: region,
                                         day: UnsafeBufferPointer(rebasing: day[0..<10]))
                    }
                }
            }
            verdict = first ? .keep : .drop
        }
        if verdict == .unreadableTime {
            unreadable[CloudTrailRecord.RecordProblem.eventTime.message, default: 0] += 1
            return
        }
        let keep = verdict == .keep
        guard keep else { return }
        switch CloudTrailRecord.read(tape, at: root) {
        case .success(let record): try writer.add(record, file: file)
        case .failure(let problem): unreadable[problem.message, default: 0] += 1
        }
    }

    /// What the fast reading of a record concluded.
    private enum FastVerdict {
        /// Counted; stored if `CloudTrailRecord.isKept` says so.
        case keep
        /// Counted (or a duplicate) and not stored.
        case drop
        case unreadableTime
        /// A field is escaped: read the record the slow way.
        case slow
    }

    private static func withOptionalBuffer<R>(_ bytes: [UInt8]?, _ body: (UnsafeBufferPointer<UInt8>?) throws -> R) rethrows -> R {
        guard let bytes else { return try body(nil) }
        return try bytes.withUnsafeBufferPointer { try body($0) }
    }

    /// Writes the file's aggregates and warns about the records that could not be read.
    func finishRecords(file: FileImport) throws {
        try file.run.cloudTrail().flush(file: file)
        for (problem, count) in unreadable.sorted(by: { $0.key < $1.key }) {
            file.run.warn("\(file.path): \(count) CloudTrail record\(count == 1 ? "" : "s") skipped: \(problem)")
        }
    }
}

/// Imports a CloudTrail log file as delivered to S3 (`{"Records": [...]}`, gzip or not).
final class CloudTrailLogImporter: CloudTrailRecordReader, DocumentImporter {
    /// Records hold request parameters (personal data, never read) but no secret: strings are not
    /// scrubbed as they are read; the few stored are scrubbed by the writer.
    var scrubsStrings: Bool { false }

    func readMember(_ key: String, reader: JSONStreamReader, file: FileImport) throws {
        guard key == "Records" else { return try reader.skipValue() }
        guard try reader.peekValueStart() == .array else { throw file.location(reader, "$.Records").invalid("expected an array of records") }
        try reader.beginArray()
        while try reader.nextElement() { try readRecord(reader, file: file) }
    }

    func finish(file: FileImport) throws { try finishRecords(file: file) }
}

/// Imports `aws cloudtrail lookup-events` output: each of `Events[]` holds the record as a JSON
/// string (`CloudTrailEvent`); its own `EventTime` (epoch seconds in AWS CLI v1, ISO 8601 with
/// the local offset in v2) is not used: the record's `eventTime` is.
final class LookupEventsImporter: CloudTrailRecordReader, DocumentImporter {
    var scrubsStrings: Bool { false }
    /// A record is at most 100 KB of parameters and responses in CloudTrail; a larger string is
    /// not a CloudTrail record.
    static let maximumEventBytes = 1 << 20
    private var event = JSONTape()
    private var record = JSONTape()

    func readMember(_ key: String, reader: JSONStreamReader, file: FileImport) throws {
        guard key == "Events" else { return try reader.skipValue() }
        guard try reader.peekValueStart() == .array else { throw file.location(reader, "$.Events").invalid("expected an array of events") }
        try reader.beginArray()
        var index = 0
        while try reader.nextElement() {
            let location = file.location(reader, "$.Events[\(index)]")
            event.reset()
            try reader.readValue(into: &event)
            guard let text = event.string(event.member(event.root, "CloudTrailEvent")) else {
                throw location.invalid("an event without CloudTrailEvent (a string): not aws cloudtrail lookup-events output")
            }
            guard text.utf8.count <= Self.maximumEventBytes else {
                throw location.invalid("CloudTrailEvent is larger than \(Self.maximumEventBytes >> 20) MB")
            }
            let inner = JSONStreamReader(source: ByteSource(name: file.path, bytes: Array(text.utf8)), chunkSize: max(64, text.utf8.count))
            record.reset()
            do {
                try inner.readValue(into: &record)
                try inner.expectEndOfInput()
            } catch let error as InputError {
                throw location.appending(".CloudTrailEvent").invalid("not a JSON record: \(error.message)")
            }
            try add(record, file: file)
            index += 1
        }
    }

    func finish(file: FileImport) throws { try finishRecords(file: file) }
}

/// A CloudTrail digest file (the hashes that prove log files unchanged): recognised so that a
/// synced `AWSLogs/` folder imports cleanly, and stored as nothing.
final class CloudTrailDigestImporter: DocumentImporter {
    var scrubsStrings: Bool { false }

    func readMember(_ key: String, reader: JSONStreamReader, file: FileImport) throws {
        try reader.skipValue()
    }

    func finish(file: FileImport) throws {}
}
