import Foundation

/// Imports `aws ec2 describe-instances` output, whole or one page of it (`NextToken`).
///
/// Reservations are read one at a time: the CLI prints a reservation's `OwnerId` after its
/// `Instances`, so the instances of one reservation are held until its end. Memory is bounded
/// by the largest reservation (and a short queue of them), not by the file.
///
/// Parsing and writing overlap: a second thread parses reservations onto tapes while this one
/// writes the previous ones to SQLite.
final class DescribeInstancesImporter: DocumentImporter {
    /// One reservation, parsed and waiting to be written.
    struct ParsedReservation {
        var ownerId: String?
        var reservationId: String?
        var location: RecordLocation
        var instances: [(tape: JSONTape, fields: InstanceFields, location: RecordLocation)]
        /// Secrets found (and already redacted) in tag values, by instance index.
        var tagCredentials: [(instance: Int, tagKey: String, credential: DetectedCredential)] = []
    }

    private enum Item {
        case reservation(ParsedReservation)
        case failure(Error)
    }

    private var instanceCount = 0

    func readMember(_ key: String, reader: JSONStreamReader, file: FileImport) throws {
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
        let producer = Thread {
            do {
                try reader.beginArray()
                var index = 0
                while try reader.nextElement() {
                    let reservation = try Self.parseReservation(reader: reader, file: path, jsonPath: "$.Reservations[\(index)]")
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

    private static func parseReservation(reader: JSONStreamReader, file: String, jsonPath: String) throws -> ParsedReservation {
        let location = RecordLocation(file: file, position: reader.position, jsonPath: jsonPath)
        guard try reader.peekValueStart() == .object else {
            throw location.invalid("expected a reservation object")
        }
        var reservation = ParsedReservation(location: location, instances: [])
        try reader.beginObject()
        while let key = try reader.nextKey() {
            switch key {
            case "OwnerId": reservation.ownerId = try reader.readString()
            case "ReservationId": reservation.reservationId = try reader.readString()
            case "Instances":
                guard try reader.peekValueStart() == .array else {
                    throw RecordLocation(file: file, position: reader.position, jsonPath: jsonPath + ".Instances").invalid("expected an array of instances")
                }
                try reader.beginArray()
                while try reader.nextElement() {
                    let instanceLocation = RecordLocation(file: file, position: reader.position,
                                                          jsonPath: "\(jsonPath).Instances[\(reservation.instances.count)]")
                    var tape = JSONTape()
                    try reader.readValue(into: &tape)
                    var fields = InstanceFields(tape)
                    if let redaction = try TagRedaction.redact(tape, fields: fields) {
                        tape = redaction.tape
                        fields = InstanceFields(tape)
                        reservation.tagCredentials += redaction.found.map { (reservation.instances.count, $0.tagKey, $0.credential) }
                    }
                    reservation.instances.append((tape, fields, instanceLocation))
                }
            default:
                try reader.skipValue()
            }
        }
        return reservation
    }

    private var tagWriter: CredentialWriter?
    private var tagSourcesReplaced: Set<String> = []

    /// Records a credential found in a tag value as a finding of source kind `tag`.
    private func recordTagCredential(instanceId: String, tagKey: String, credential: DetectedCredential, file: FileImport) throws {
        if tagWriter == nil { tagWriter = try CredentialWriter(db: file.run.db) }
        if tagSourcesReplaced.insert(instanceId).inserted {
            try tagWriter!.replace(instanceId: instanceId, sourceKind: "tag", scanner: "invdb", counts: &file.counts)
        }
        let sourceId = try tagWriter!.source(instanceId: instanceId, kind: "tag", location: "tag:\(tagKey)", place: .scriptOrEnvironment,
                                             status: "scanned", detail: nil, scanner: "invdb", importId: file.importId, counts: &file.counts)
        try tagWriter!.finding(credential, sourceId: sourceId, instanceId: instanceId, document: "tag:\(tagKey)", path: nil,
                               place: .scriptOrEnvironment, scanner: "invdb", redactor: try file.run.redactor(), counts: &file.counts)
    }

    private func write(_ reservation: ParsedReservation, file: FileImport) throws {
        guard let account = reservation.ownerId ?? file.run.options.account else {
            throw reservation.location.invalid("OwnerId is missing and no --account was given")
        }
        for (index, record) in reservation.instances.enumerated() {
            for tagged in reservation.tagCredentials where tagged.instance == index {
                if let instanceId = record.tape.nonEmptyString(record.fields.instanceId) {
                    try recordTagCredential(instanceId: instanceId, tagKey: tagged.tagKey, credential: tagged.credential, file: file)
                }
            }
            let warning = try file.run.ec2.write(
                instance: record.tape, fields: record.fields, account: account, reservationId: reservation.reservationId,
                regionFallback: file.run.options.region, importId: file.importId, location: record.location,
                counts: &file.counts)
            if let warning { file.run.warn(warning) }
            instanceCount += 1
            if file.account == nil {
                let zone = record.tape.string(record.fields.availabilityZone)
                file.noteOrigin(account: account, region: zone.flatMap(AWSRegion.fromAvailabilityZone) ?? file.run.options.region)
            }
        }
    }

    func finish(file: FileImport) throws {
        guard instanceCount == 0 else { return }
        if let account = file.run.options.account, let region = file.run.options.region {
            try file.run.ec2.recordEmptyListing(for: .init(account: account, region: region), counts: &file.counts)
            file.noteOrigin(account: account, region: region)
        } else {
            file.run.warn("\(file.path): the listing holds no instances; pass --account and --region to record that the region is empty")
        }
    }
}
