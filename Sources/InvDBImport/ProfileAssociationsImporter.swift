import InvDBCore
import InvDBDetect
import InvDBJSON
import InvDBStore

/// Imports `aws ec2 describe-iam-instance-profile-associations` output.
final class ProfileAssociationsImporter: DocumentImporter {
    func readMember(_ key: String, reader: JSONStreamReader, file: FileImport) throws {
        guard key == "IamInstanceProfileAssociations" else {
            try reader.skipValue()
            return
        }
        let insert = try file.run.db.cachedStatement(sql: """
            INSERT OR REPLACE INTO ec2_instance_profile_associations(association_id, instance_id, profile_arn,
                profile_id, state, account_id, region, import_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try file.forEachElement(of: reader, path: "$.IamInstanceProfileAssociations") { association, location in
            let profile = try location.optionalObject(association, "IamInstanceProfile")
            let profileArn = try profile.flatMap { try location.optionalString($0, "Arn") }.flatMap { $0.isEmpty ? nil : $0 }
            let account = profileArn.flatMap { ARN($0)?.account } ?? file.run.options.account
            try insert.execute(arguments: [try location.requiredString(association, "AssociationId"),
                                           try location.requiredString(association, "InstanceId"),
                                           profileArn, try profile.flatMap { try location.optionalString($0, "Id") },
                                           try location.optionalString(association, "State"), account, file.run.options.region,
                                           file.importId])
            file.counts.add(.ec2InstanceProfileAssociations)
            file.noteOrigin(account: account, region: file.run.options.region)
        }
    }

    func finish(file: FileImport) throws {}
}
