import Foundation
import InvDBCore
import InvDBDetect
import InvDBJSON
import InvDBStore

/// Imports `aws ec2 describe-instances` output, whole or one page of it (`NextToken`).
///
/// Reservations are read one at a time: the CLI prints a reservation's `OwnerId` after its
/// `Instances`, so the instances of one reservation are held until its end. Memory is bounded
/// by the largest reservation (at most `maximumReservationBytes`) and a short queue of them, not
/// by the file.
///
/// Parsing and writing overlap: a second thread parses reservations onto tapes while this one
/// writes the previous ones to SQLite.
final class DescribeInstancesImporter: DocumentImporter {
    /// One reservation, parsed and waiting to be written.
    struct ParsedReservation {
        var ownerId: String?
        var reservationId: String?
        var location: RecordLocation
        var instances: [ParsedInstance]
    }

    /// One instance: its tape (secrets already redacted), its fields, and the secrets that
    /// were redacted from it.
    struct ParsedInstance {
        var tape: JSONTape
        var fields: InstanceFields
        var location: RecordLocation
        var redacted: [CredentialScrubber.Found]
    }

    /// The instances of one reservation held while its OwnerId is not known yet.
    static let maximumReservationBytes = 64 << 20

    private enum Item {
        case reservation(ParsedReservation)
        case failure(Error)
    }

    private var instanceCount = 0
    private var hasNextToken = false

    func readBufferedMember(_ member: JSONMember, file: FileImport) throws {
        if member.key == "NextToken", let token = member.value.string { hasNextToken = !token.isEmpty }
    }

    func readMember(_ key: String, reader: JSONStreamReader, file: FileImport) throws {
        if key == "NextToken" {
            hasNextToken = try reader.peekValueStart() == .string && !(try reader.readString().isEmpty)
            if !hasNextToken { try? reader.skipValue() }
            return
        }
        guard key == "Reservations" else {
            try reader.skipValue()
            return
        }
        guard try reader.peekValueStart() == .array else {
            throw file.location(reader, "$.Reservations").invalid("expected an array of reservations")
        }
        let queue = BoundedQueue<Item>(capacity: 512)
        let finished = DispatchSemaphore(value: 0)
        let path = file.path
        // The reader and the scrubber move to the producer thread: this thread does not touch
        // them again until the producer has signalled `finished`.
        nonisolated(unsafe) let reader = reader
        nonisolated(unsafe) let scrubber = file.scrubber
        let producer = Thread {
            do {
                try reader.beginArray()
                var index = 0
                while try reader.nextElement() {
                    let reservation = try Self.parseReservation(reader: reader, file: path, jsonPath: "$.Reservations[\(index)]",
                                                                 scrubber: scrubber)
                    guard queue.push(.reservation(reservation)) else { break }
                    index += 1
                }
            } catch {
                queue.push(.failure(error))
            }
            queue.close()
            finished.signal()
        }
        producer.stackSize = 16 << 20
        producer.start()
        do {
            while let item = queue.pop() {
                switch item {
                case .reservation(let reservation): try write(reservation, file: file)
                case .failure(let error): throw error
                }
            }
        } catch {
            queue.cancel()
            finished.wait()
            throw error
        }
        finished.wait()
    }

    private static func parseReservation(reader: JSONStreamReader, file: String, jsonPath: String,
                                         scrubber: CredentialScrubber) throws -> ParsedReservation {
        let location = RecordLocation(file: file, position: reader.position, jsonPath: jsonPath)
        guard try reader.peekValueStart() == .object else {
            throw location.invalid("expected a reservation object")
        }
        var reservation = ParsedReservation(location: location, instances: [])
        var sawInstances = false
        var heldBytes = 0
        try reader.beginObject()
        while let key = try reader.nextKey() {
            switch key {
            case "OwnerId", "ReservationId":
                guard try reader.peekValueStart() == .string else {
                    throw location.invalid("\(key) should be a string")
                }
                let value = try reader.readString()
                if key == "OwnerId" { reservation.ownerId = value } else { reservation.reservationId = value }
            case "Instances":
                sawInstances = true
                guard try reader.peekValueStart() == .array else {
                    throw RecordLocation(file: file, position: reader.position, jsonPath: jsonPath + ".Instances").invalid("expected an array of instances")
                }
                try reader.beginArray()
                while try reader.nextElement() {
                    let instanceLocation = RecordLocation(file: file, position: reader.position,
                                                          jsonPath: "\(jsonPath).Instances[\(reservation.instances.count)]")
                    var tape = JSONTape()
                    try reader.readValue(into: &tape)
                    heldBytes += tape.bytes.count
                    guard heldBytes <= maximumReservationBytes else {
                        throw location.invalid("the reservation holds more than \(maximumReservationBytes >> 20) MB of instances; split the listing (aws ec2 describe-instances --max-items)")
                    }
                    let fields = try InstanceFields(tape, location: instanceLocation)
                    reservation.instances.append(ParsedInstance(tape: tape, fields: fields, location: instanceLocation,
                                                                redacted: scrubber.takeFound()))
                }
            default:
                try reader.skipValue()
            }
        }
        guard sawInstances else { throw location.invalid("the reservation has no Instances array") }
        return reservation
    }

    private var findingWriter: CredentialWriter?
    private var findingSourcesReplaced: Set<String> = []

    /// Records the secrets redacted from an instance's fields as findings: source kind `tag`
    /// for tags, `instance-field` for any other field.
    private func recordRedacted(_ found: [CredentialScrubber.Found], instanceId: String, file: FileImport) throws {
        if findingWriter == nil { findingWriter = CredentialWriter(db: file.run.db) }
        let writer = findingWriter!
        if findingSourcesReplaced.insert(instanceId).inserted {
            for kind in [CredentialSourceKind.tag, .instanceField] {
                try writer.replace(instanceId: instanceId, sourceKind: kind, scanner: .invdb, counts: &file.counts)
            }
        }
        for item in found {
            let isTag = item.context.siblingKey != nil || item.context.memberName == "Key" || item.context.memberName == "Value"
            let document = isTag
                ? "tag:" + SafeText.quote(item.context.siblingKey ?? "(tag key)", limit: 128)
                : "field:" + SafeText.quote(item.context.memberName ?? "(member name)", limit: 128)
            let kind: CredentialSourceKind = isTag ? .tag : .instanceField
            let sourceId = try writer.source(instanceId: instanceId, kind: kind, location: document, place: .scriptOrEnvironment,
                                             status: .scanned, detail: nil, scanner: .invdb, importId: file.importId, counts: &file.counts)
            try writer.finding(item.credential, sourceId: sourceId, instanceId: instanceId, document: document, path: nil,
                               place: .scriptOrEnvironment, scanner: .invdb, redactor: try file.run.redactor(), counts: &file.counts)
        }
        file.run.warn("\(file.path): \(found.count) secret\(found.count == 1 ? "" : "s") in the fields of instance \(instanceId) "
                      + "(\(Set(found.map { $0.context.siblingKey.map { "tag " + SafeText.quote($0, limit: 40) } ?? SafeText.quote($0.context.memberName ?? "?", limit: 40) }).sorted().joined(separator: ", "))) "
                      + "redacted before storage and recorded as findings")
    }

    private func write(_ reservation: ParsedReservation, file: FileImport) throws {
        guard let account = reservation.ownerId ?? file.run.options.account else {
            throw reservation.location.invalid("OwnerId is missing and no --account was given")
        }
        if file.account != nil { file.noteOrigin(account: account) }   // a placeholder account is warned about once
        for record in reservation.instances {
            let warning = try file.run.ec2.write(
                instance: record.tape, fields: record.fields, account: account, reservationId: reservation.reservationId,
                regionFallback: file.run.options.region, importId: file.importId, location: record.location,
                counts: &file.counts)
            if let warning { file.run.warn(warning) }
            if !record.redacted.isEmpty, let instanceId = record.tape.nonEmptyString(record.fields.instanceId) {
                try recordRedacted(record.redacted, instanceId: instanceId, file: file)
            }
            instanceCount += 1
            if file.account == nil {
                let zone = record.tape.string(record.fields.availabilityZone)
                file.noteOrigin(account: account, region: zone.flatMap(AWSRegion.fromAvailabilityZone) ?? file.run.options.region)
            }
        }
    }

    func finish(file: FileImport) throws {
        file.run.ec2.notePages(of: file.run.ec2.touchedPlaces, isLastPage: !hasNextToken)
        guard instanceCount == 0 else { return }
        if let account = file.run.options.account, let region = file.run.options.region {
            let place = EC2InventoryWriter.Place(account: account, region: region)
            try file.run.ec2.recordEmptyListing(for: place, counts: &file.counts)
            file.run.ec2.notePages(of: [place], isLastPage: !hasNextToken)
            file.noteOrigin(account: account, region: region)
        } else {
            file.run.warn("\(file.path): the listing holds no instances; pass --account and --region to record that the region is empty")
        }
    }
}
