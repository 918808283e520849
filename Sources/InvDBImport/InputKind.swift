import InvDBCore
import InvDBDetect
import InvDBJSON
import InvDBStore

/// The kinds of input invdb recognises, detected from a document's content (its top-level
/// member names), never from the file name.
public enum InputKind: String, CaseIterable, Sendable {
    case ec2DescribeInstances = "ec2-describe-instances"
    case ec2InstanceProfileAssociations = "ec2-describe-iam-instance-profile-associations"
    case iamListInstanceProfiles = "iam-list-instance-profiles"
    case iamGetInstanceProfile = "iam-get-instance-profile"
    case iamListRoles = "iam-list-roles"
    case iamAccountAuthorizationDetails = "iam-get-account-authorization-details"
    case stsCallerIdentity = "sts-get-caller-identity"
    case ec2InstanceUserData = "ec2-describe-instance-attribute-userdata"
    case iamListUsers = "iam-list-users"
    case iamListAccessKeys = "iam-list-access-keys"
    case iamCredentialReport = "iam-get-credential-report"
    case gitleaksReport = "gitleaks-report"
    case trufflehogReport = "trufflehog-v3-report"
    case trufflehog2Report = "trufflehog-v2-report"
    case detectSecretsBaseline = "detect-secrets-baseline"
    case kingfisherReport = "kingfisher-report"
    case cloudTrailLog = "cloudtrail-log"
    case cloudTrailLookupEvents = "cloudtrail-lookup-events"
    case cloudTrailDigest = "cloudtrail-digest"
    case ec2DescribeAddresses = "ec2-describe-addresses"
    case ec2DescribeNatGateways = "ec2-describe-nat-gateways"
    case ec2DescribeRouteTables = "ec2-describe-route-tables"
    case ec2DescribeSubnets = "ec2-describe-subnets"
    case ec2DescribeVpcEndpoints = "ec2-describe-vpc-endpoints"

    /// The AWS CLI command whose output this kind is.
    public var command: String {
        switch self {
        case .ec2DescribeInstances: return "aws ec2 describe-instances"
        case .ec2InstanceProfileAssociations: return "aws ec2 describe-iam-instance-profile-associations"
        case .iamListInstanceProfiles: return "aws iam list-instance-profiles"
        case .iamGetInstanceProfile: return "aws iam get-instance-profile"
        case .iamListRoles: return "aws iam list-roles"
        case .iamAccountAuthorizationDetails: return "aws iam get-account-authorization-details"
        case .stsCallerIdentity: return "aws sts get-caller-identity"
        case .ec2InstanceUserData: return "aws ec2 describe-instance-attribute --attribute userData"
        case .iamListUsers: return "aws iam list-users"
        case .iamListAccessKeys: return "aws iam list-access-keys"
        case .iamCredentialReport: return "aws iam get-credential-report"
        case .gitleaksReport: return "gitleaks (a JSON report, or --quiet JSON lines)"
        case .trufflehogReport: return "trufflehog --json (v3)"
        case .trufflehog2Report: return "trufflehog --json (2.x)"
        case .detectSecretsBaseline: return "detect-secrets scan"
        case .kingfisherReport: return "kingfisher scan --format json or jsonl"
        case .cloudTrailLog: return "a CloudTrail log file (AWSLogs/…/CloudTrail/…, gzip or not)"
        case .cloudTrailLookupEvents: return "aws cloudtrail lookup-events"
        case .cloudTrailDigest: return "a CloudTrail digest file (AWSLogs/…/CloudTrail-Digest/…)"
        case .ec2DescribeAddresses: return "aws ec2 describe-addresses"
        case .ec2DescribeNatGateways: return "aws ec2 describe-nat-gateways"
        case .ec2DescribeRouteTables: return "aws ec2 describe-route-tables"
        case .ec2DescribeSubnets: return "aws ec2 describe-subnets"
        case .ec2DescribeVpcEndpoints: return "aws ec2 describe-vpc-endpoints"
        }
    }

    /// Whether a file may hold several documents of this kind one after another (JSON lines).
    /// CloudTrail input: records aggregated into `cloudtrail_calls` and `cloudtrail_coverage`.
    public var isCloudTrail: Bool {
        [.cloudTrailLog, .cloudTrailLookupEvents, .cloudTrailDigest].contains(self)
    }

    public var allowsDocumentSequence: Bool {
        [.ec2InstanceUserData, .trufflehogReport, .trufflehog2Report, .gitleaksReport, .kingfisherReport].contains(self)
    }

    /// The kind a top-level member name identifies; nil for names that identify no kind
    /// (pagination members such as `NextToken`, `Marker`, `IsTruncated`, or unknown names).
    public static func identified(byTopLevelKey key: String) -> InputKind? {
        switch key {
        case "Reservations": return .ec2DescribeInstances
        case "IamInstanceProfileAssociations": return .ec2InstanceProfileAssociations
        case "InstanceProfiles": return .iamListInstanceProfiles
        case "InstanceProfile": return .iamGetInstanceProfile
        case "Roles": return .iamListRoles
        case "UserDetailList", "GroupDetailList", "RoleDetailList", "Policies": return .iamAccountAuthorizationDetails
        case "UserId", "Account", "Arn": return .stsCallerIdentity
        case "InstanceId", "UserData": return .ec2InstanceUserData
        case "Users": return .iamListUsers
        case "AccessKeyMetadata": return .iamListAccessKeys
        case "Content", "ReportFormat", "GeneratedTime": return .iamCredentialReport
        case "SourceMetadata", "DetectorName", "DetectorType", "RawV2": return .trufflehogReport
        case "branch", "commitHash", "stringsFound", "printDiff": return .trufflehog2Report
        case "plugins_used", "filters_used": return .detectSecretsBaseline
        case "findings", "finding", "matches", "audit": return .kingfisherReport
        case "offender", "lineNumber", "leakURL", "offenderEntropy", "commitMessage": return .gitleaksReport
        case "Records": return .cloudTrailLog
        case "Events": return .cloudTrailLookupEvents
        case "digestS3Object", "digestSignatureAlgorithm", "logFiles", "digestStartTime", "digestEndTime", "previousDigestS3Object":
            return .cloudTrailDigest
        case "Addresses": return .ec2DescribeAddresses
        case "NatGateways": return .ec2DescribeNatGateways
        case "RouteTables": return .ec2DescribeRouteTables
        case "Subnets": return .ec2DescribeSubnets
        case "VpcEndpoints": return .ec2DescribeVpcEndpoints
        default: return nil
        }
    }
}

/// What an import record (`imports.kind`) holds: a file of a known input kind, or a host scan.
public enum ImportRecordKind: Sendable, Equatable {
    case input(InputKind)
    /// An `invdb scan` of files collected from instances.
    case hostScan

    /// The value stored in `imports.kind`.
    public var rawValue: String {
        switch self {
        case .input(let kind): return kind.rawValue
        case .hostScan: return "host-scan"
        }
    }
}
