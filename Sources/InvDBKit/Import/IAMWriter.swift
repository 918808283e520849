import GRDB

/// Writes IAM instance profiles, roles and role policies. IAM is global: rows are keyed by ARN
/// and the newest import of a profile or role replaces what was known about it.
final class IAMWriter {
    private let db: Database
    private let upsertProfile: PreparedStatement
    private let deleteProfileRoles: PreparedStatement
    private let insertProfileRole: PreparedStatement
    private let upsertRole: PreparedStatement
    private let deleteRolePolicies: PreparedStatement
    private let insertRolePolicy: PreparedStatement

    init(db: Database) throws {
        self.db = db
        upsertProfile = try PreparedStatement(db, """
            INSERT INTO iam_instance_profiles(arn, account_id, name, profile_id, path, create_date, import_id)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(arn) DO UPDATE SET account_id = excluded.account_id, name = excluded.name,
                profile_id = excluded.profile_id, path = excluded.path, create_date = excluded.create_date,
                import_id = excluded.import_id
            """)
        deleteProfileRoles = try PreparedStatement(db, "DELETE FROM iam_instance_profile_roles WHERE profile_arn = ?")
        insertProfileRole = try PreparedStatement(db, "INSERT OR REPLACE INTO iam_instance_profile_roles(profile_arn, role_arn, role_name) VALUES (?, ?, ?)")
        upsertRole = try PreparedStatement(db, """
            INSERT INTO iam_roles(arn, account_id, name, role_id, path, create_date, description,
                max_session_duration, trust_policy, trusts_ec2, import_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(arn) DO UPDATE SET account_id = excluded.account_id, name = excluded.name,
                role_id = excluded.role_id, path = excluded.path, create_date = excluded.create_date,
                description = coalesce(excluded.description, description),
                max_session_duration = coalesce(excluded.max_session_duration, max_session_duration),
                trust_policy = excluded.trust_policy, trusts_ec2 = excluded.trusts_ec2, import_id = excluded.import_id
            """)
        deleteRolePolicies = try PreparedStatement(db, "DELETE FROM iam_role_policies WHERE role_arn = ?")
        insertRolePolicy = try PreparedStatement(db, "INSERT OR REPLACE INTO iam_role_policies(role_arn, policy_type, policy_name, policy_arn) VALUES (?, ?, ?, ?)")
    }

    /// Writes an instance profile, the roles it holds (replacing its earlier membership) and
    /// those roles themselves. Returns the profile's account.
    @discardableResult
    func writeProfile(_ profile: JSONValue, importId: Int, location: RecordLocation, counts: inout RowCounts) throws -> String {
        let arn = try location.requiredString(profile, "Arn")
        guard let account = ARN(arn)?.account, !account.isEmpty else { throw location.invalid("Arn '\(SafeText.quote(arn, limit: 100))' is not an IAM ARN") }
        let name = try location.requiredString(profile, "InstanceProfileName")
        try upsertProfile.bind(arn).bind(account).bind(name)
            .bind(try location.optionalString(profile, "InstanceProfileId")).bind(try location.optionalString(profile, "Path"))
            .bind(try location.optionalString(profile, "CreateDate")).bind(importId).run()
        counts.add("iam_instance_profiles", key: arn)
        try deleteProfileRoles.bind(arn).run()
        for (index, role) in try location.optionalArray(profile, "Roles").enumerated() {
            let roleLocation = location.appending(".Roles[\(index)]")
            let roleArn = try writeRole(role, importId: importId, location: roleLocation, counts: &counts)
            try insertProfileRole.bind(arn).bind(roleArn).bind(try roleLocation.requiredString(role, "RoleName")).run()
            counts.add("iam_instance_profile_roles", key: arn + " " + roleArn)
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
        try upsertRole.bind(arn).bind(account).bind(try location.requiredString(role, "RoleName"))
            .bind(try location.optionalString(role, "RoleId")).bind(try location.optionalString(role, "Path"))
            .bind(try location.optionalString(role, "CreateDate"))
            .bind(try location.optionalString(role, "Description")).bind(try location.optionalInt(role, "MaxSessionDuration"))
            .bind(policy?.minifiedJSON).bind(TrustPolicy.trustsEC2(policy)).bind(importId).run()
        counts.add("iam_roles", key: arn)
        return arn
    }

    /// Writes a `RoleDetailList` entry of get-account-authorization-details: the role, its
    /// attached and inline policies (replacing earlier ones) and its instance profiles.
    func writeRoleDetail(_ detail: JSONValue, importId: Int, location: RecordLocation, counts: inout RowCounts) throws -> String {
        let roleArn = try writeRole(detail, importId: importId, location: location, counts: &counts)
        try deleteRolePolicies.bind(roleArn).run()
        for policy in try location.optionalArray(detail, "AttachedManagedPolicies") {
            guard let name = try location.optionalString(policy, "PolicyName"), !name.isEmpty else { continue }
            try insertRolePolicy.bind(roleArn).bind("attached").bind(name).bind(try location.optionalString(policy, "PolicyArn")).run()
            counts.add("iam_role_policies", key: "\(roleArn) attached \(name)")
        }
        for policy in try location.optionalArray(detail, "RolePolicyList") {
            guard let name = try location.optionalString(policy, "PolicyName"), !name.isEmpty else { continue }
            try insertRolePolicy.bind(roleArn).bind("inline").bind(name).bind(nil as String?).run()
            counts.add("iam_role_policies", key: "\(roleArn) inline \(name)")
        }
        for (index, profile) in try location.optionalArray(detail, "InstanceProfileList").enumerated() {
            try writeProfile(profile, importId: importId, location: location.appending(".InstanceProfileList[\(index)]"), counts: &counts)
        }
        return ARN(roleArn)?.account ?? ""
    }
}
