import GRDB
import InvDBCore
import InvDBDetect
import InvDBJSON
import InvDBStore

/// Writes IAM instance profiles, roles and role policies. IAM is global: rows are keyed by ARN
/// and the newest import of a profile or role replaces what was known about it.
final class IAMWriter {
    private let db: Database

    init(db: Database) {
        self.db = db
    }

    private static let upsertProfile = """
        INSERT INTO iam_instance_profiles(arn, account_id, name, profile_id, path, create_date, import_id)
        VALUES (:arn, :account_id, :name, :profile_id, :path, :create_date, :import_id)
        ON CONFLICT(arn) DO UPDATE SET account_id = excluded.account_id, name = excluded.name,
            profile_id = excluded.profile_id, path = excluded.path, create_date = excluded.create_date,
            import_id = excluded.import_id
        """
    private static let upsertRole = """
        INSERT INTO iam_roles(arn, account_id, name, role_id, path, create_date, description,
            max_session_duration, trust_policy, trusts_ec2, import_id)
        VALUES (:arn, :account_id, :name, :role_id, :path, :create_date, :description,
            :max_session_duration, :trust_policy, :trusts_ec2, :import_id)
        ON CONFLICT(arn) DO UPDATE SET account_id = excluded.account_id, name = excluded.name,
            role_id = excluded.role_id, path = excluded.path, create_date = excluded.create_date,
            description = coalesce(excluded.description, description),
            max_session_duration = coalesce(excluded.max_session_duration, max_session_duration),
            trust_policy = excluded.trust_policy, trusts_ec2 = excluded.trusts_ec2, import_id = excluded.import_id
        """
    private static let insertRolePolicy = """
        INSERT OR REPLACE INTO iam_role_policies(role_arn, policy_type, policy_name, policy_arn)
        VALUES (:role_arn, :policy_type, :policy_name, :policy_arn)
        """

    /// Writes an instance profile, the roles it holds (replacing its earlier membership) and
    /// those roles themselves. Returns the profile's account.
    @discardableResult
    func writeProfile(_ profile: JSONValue, importId: Int, location: RecordLocation, counts: inout RowCounts) throws -> String {
        let arn = try location.requiredString(profile, "Arn")
        guard let account = ARN(arn)?.account, !account.isEmpty else { throw location.invalid("Arn '\(SafeText.quote(arn, limit: 100))' is not an IAM ARN") }
        let name = try location.requiredString(profile, "InstanceProfileName")
        try db.cachedStatement(sql: Self.upsertProfile).execute(arguments: [
            "arn": arn, "account_id": account, "name": name,
            "profile_id": try location.optionalString(profile, "InstanceProfileId"), "path": try location.optionalString(profile, "Path"),
            "create_date": try location.optionalString(profile, "CreateDate"), "import_id": importId,
        ])
        counts.add(.iamInstanceProfiles, key: arn)
        try db.cachedStatement(sql: "DELETE FROM iam_instance_profile_roles WHERE profile_arn = ?").execute(arguments: [arn])
        for (index, role) in try location.optionalArray(profile, "Roles").enumerated() {
            let roleLocation = location.appending(".Roles[\(index)]")
            let roleArn = try writeRole(role, importId: importId, location: roleLocation, counts: &counts)
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO iam_instance_profile_roles(profile_arn, role_arn, role_name) VALUES (?, ?, ?)")
                .execute(arguments: [arn, roleArn, try roleLocation.requiredString(role, "RoleName")])
            counts.add(.iamInstanceProfileRoles, key: arn + " " + roleArn)
        }
        return account
    }

    /// Writes a role (list-roles, a profile's Roles[], or a RoleDetailList entry). Returns its ARN.
    @discardableResult
    func writeRole(_ role: JSONValue, importId: Int, location: RecordLocation, counts: inout RowCounts) throws -> String {
        let arn = try location.requiredString(role, "Arn")
        guard let account = ARN(arn)?.account, !account.isEmpty else { throw location.invalid("Arn '\(SafeText.quote(arn, limit: 100))' is not an IAM ARN") }
        let policy = try role["AssumeRolePolicyDocument"].flatMap {
            try TrustPolicy.document(from: $0, location: location.appending(".AssumeRolePolicyDocument"))
        }
        try db.cachedStatement(sql: Self.upsertRole).execute(arguments: [
            "arn": arn, "account_id": account, "name": try location.requiredString(role, "RoleName"),
            "role_id": try location.optionalString(role, "RoleId"), "path": try location.optionalString(role, "Path"),
            "create_date": try location.optionalString(role, "CreateDate"),
            "description": try location.optionalString(role, "Description"),
            "max_session_duration": try location.optionalInt(role, "MaxSessionDuration"),
            "trust_policy": policy?.minifiedJSON, "trusts_ec2": TrustPolicy.trustsEC2(policy), "import_id": importId,
        ])
        counts.add(.iamRoles, key: arn)
        return arn
    }

    /// Writes a `RoleDetailList` entry of get-account-authorization-details: the role, its
    /// attached and inline policies (replacing earlier ones) and its instance profiles.
    func writeRoleDetail(_ detail: JSONValue, importId: Int, location: RecordLocation, counts: inout RowCounts) throws -> String {
        let roleArn = try writeRole(detail, importId: importId, location: location, counts: &counts)
        try db.cachedStatement(sql: "DELETE FROM iam_role_policies WHERE role_arn = ?").execute(arguments: [roleArn])
        for policy in try location.optionalArray(detail, "AttachedManagedPolicies") {
            guard let name = try location.optionalString(policy, "PolicyName"), !name.isEmpty else { continue }
            try db.cachedStatement(sql: Self.insertRolePolicy).execute(arguments: [
                "role_arn": roleArn, "policy_type": "attached", "policy_name": name, "policy_arn": try location.optionalString(policy, "PolicyArn"),
            ])
            counts.add(.iamRolePolicies, key: "\(roleArn) attached \(name)")
        }
        for policy in try location.optionalArray(detail, "RolePolicyList") {
            guard let name = try location.optionalString(policy, "PolicyName"), !name.isEmpty else { continue }
            try db.cachedStatement(sql: Self.insertRolePolicy).execute(arguments: [
                "role_arn": roleArn, "policy_type": "inline", "policy_name": name, "policy_arn": nil,
            ])
            counts.add(.iamRolePolicies, key: "\(roleArn) inline \(name)")
        }
        for (index, profile) in try location.optionalArray(detail, "InstanceProfileList").enumerated() {
            try writeProfile(profile, importId: importId, location: location.appending(".InstanceProfileList[\(index)]"), counts: &counts)
        }
        return ARN(roleArn)?.account ?? ""
    }
}
