import InvDBCore
import InvDBDetect
import InvDBJSON
import InvDBStore

/// Imports `aws iam list-instance-profiles` (`InstanceProfiles[]`) and
/// `aws iam get-instance-profile` (`InstanceProfile`) output.
final class InstanceProfilesImporter: DocumentImporter {
    func readMember(_ key: String, reader: JSONStreamReader, file: FileImport) throws {
        switch key {
        case "InstanceProfiles":
            try file.forEachElement(of: reader, path: "$.InstanceProfiles") { profile, location in
                let account = try file.run.iam.writeProfile(profile, importId: file.importId, location: location, counts: &file.counts)
                file.noteOrigin(account: account)
            }
        case "InstanceProfile":
            let location = file.location(reader, "$.InstanceProfile")
            let account = try file.run.iam.writeProfile(try reader.readValue(), importId: file.importId, location: location, counts: &file.counts)
            file.noteOrigin(account: account)
        default:
            try reader.skipValue()
        }
    }

    func finish(file: FileImport) throws {}
}

/// Imports `aws iam list-roles` output (`Roles[]`).
final class RolesImporter: DocumentImporter {
    func readMember(_ key: String, reader: JSONStreamReader, file: FileImport) throws {
        guard key == "Roles" else {
            try reader.skipValue()
            return
        }
        try file.forEachElement(of: reader, path: "$.Roles") { role, location in
            let arn = try file.run.iam.writeRole(role, importId: file.importId, location: location, counts: &file.counts)
            file.noteOrigin(account: ARN(arn)?.account)
        }
    }

    func finish(file: FileImport) throws {}
}

/// Imports `aws iam get-account-authorization-details` output: roles with their policies and
/// instance profiles (`RoleDetailList`). Users, groups and managed policies are skipped.
final class AuthorizationDetailsImporter: DocumentImporter {
    func readMember(_ key: String, reader: JSONStreamReader, file: FileImport) throws {
        guard key == "RoleDetailList" else {
            try reader.skipValue()
            return
        }
        try file.forEachElement(of: reader, path: "$.RoleDetailList") { detail, location in
            let account = try file.run.iam.writeRoleDetail(detail, importId: file.importId, location: location, counts: &file.counts)
            file.noteOrigin(account: account)
        }
    }

    func finish(file: FileImport) throws {}
}

/// Imports `aws sts get-caller-identity` output: which account and principal made the files.
final class CallerIdentityImporter: DocumentImporter {
    private var fields: [String: String] = [:]
    private var start: RecordLocation?

    func readMember(_ key: String, reader: JSONStreamReader, file: FileImport) throws {
        if start == nil { start = file.location(reader, "$") }
        switch key {
        case "UserId", "Account", "Arn": fields[key] = try reader.readString()
        default: try reader.skipValue()
        }
    }

    func finish(file: FileImport) throws {
        let location = start ?? RecordLocation(file: file.path, position: .init(line: 1, column: 1), jsonPath: "$")
        guard let account = fields["Account"], let arn = fields["Arn"] else {
            throw location.invalid("get-caller-identity output needs both Account and Arn")
        }
        try file.run.db.execute(sql: "INSERT OR REPLACE INTO sts_caller_identities(account_id, arn, user_id, import_id) VALUES (?, ?, ?, ?)",
                                arguments: [account, arn, fields["UserId"], file.importId])
        file.counts.add(.stsCallerIdentities)
        file.noteOrigin(account: account)
    }
}
