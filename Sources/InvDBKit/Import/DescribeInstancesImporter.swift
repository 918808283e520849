/// Imports `aws ec2 describe-instances` output, whole or one page of it (`NextToken`).
///
/// Reservations are read one at a time: the CLI prints a reservation's `OwnerId` after its
/// `Instances`, so the instances of one reservation are held until its end. Memory is bounded
/// by the largest reservation, not by the file.
final class DescribeInstancesImporter: DocumentImporter {
    private var instanceCount = 0

    func readMember(_ key: String, reader: JSONStreamReader, file: FileImport) throws {
        guard key == "Reservations" else {
            try reader.skipValue()
            return
        }
        guard try reader.peekValueStart() == .array else {
            throw file.location(reader, "$.Reservations").invalid("expected an array of reservations")
        }
        try reader.beginArray()
        var index = 0
        while try reader.nextElement() {
            try readReservation(reader: reader, file: file, jsonPath: "$.Reservations[\(index)]")
            index += 1
        }
    }

    private func readReservation(reader: JSONStreamReader, file: FileImport, jsonPath: String) throws {
        let reservationLocation = file.location(reader, jsonPath)
        guard try reader.peekValueStart() == .object else {
            throw reservationLocation.invalid("expected a reservation object")
        }
        try reader.beginObject()
        var ownerId: String?
        var reservationId: String?
        var pending: [(tape: JSONTape, location: RecordLocation)] = []
        while let key = try reader.nextKey() {
            switch key {
            case "OwnerId": ownerId = try reader.readString()
            case "ReservationId": reservationId = try reader.readString()
            case "Instances":
                guard try reader.peekValueStart() == .array else {
                    throw file.location(reader, jsonPath + ".Instances").invalid("expected an array of instances")
                }
                try reader.beginArray()
                while try reader.nextElement() {
                    let location = file.location(reader, "\(jsonPath).Instances[\(pending.count)]")
                    var tape = JSONTape()
                    try reader.readValue(into: &tape)
                    pending.append((tape, location))
                }
            default:
                try reader.skipValue()
            }
        }
        guard let account = ownerId ?? file.run.options.account else {
            throw reservationLocation.invalid("OwnerId is missing and no --account was given")
        }
        for record in pending {
            let warning = try file.run.ec2.write(
                instance: record.tape, account: account, reservationId: reservationId,
                regionFallback: file.run.options.region, importId: file.importId, location: record.location,
                counts: &file.counts)
            if let warning { file.run.warn(warning) }
            instanceCount += 1
            if file.account == nil {
                let zone = record.tape.string(record.tape.member(record.tape.root, "Placement", "AvailabilityZone"))
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
