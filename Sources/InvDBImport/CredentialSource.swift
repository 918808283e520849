import InvDBCore
import InvDBDetect
import InvDBJSON
import InvDBStore

/// What a credential source is (`credential_sources.source_kind`).
public enum CredentialSourceKind: String, Sendable, CaseIterable {
    /// An instance's user data (describe-instance-attribute).
    case userData = "user-data"
    /// A file collected from an instance (`invdb scan`).
    case file
    /// An environment dump collected from an instance (`env`, `/proc/<pid>/environ`).
    case environment
    /// A finding of an imported secret-scanner report.
    case scannerReport = "scanner-report"
    /// An instance tag whose key or value held a secret (redacted before storage).
    case tag
    /// Another field of an instance (describe-instances) that held a secret (redacted).
    case instanceField = "instance-field"
}

/// What became of a source (`credential_sources.status`).
public enum CredentialSourceStatus: String, Sendable, CaseIterable {
    /// Decoded and looked at.
    case scanned
    /// Nothing to look at (empty user data, an empty file).
    case empty
    /// Could not be read or decoded: the instance is `error`, never `ok`.
    case error
    /// Not read on purpose: a symbolic link (never followed: it could point out of the collected
    /// tree, at the scanning machine's own files) or a FIFO, socket or device.
    case notRead = "not-read"
}

/// Who looked at a source (`credential_sources.scanner`, `credential_findings.scanner`).
public enum CredentialScanner: String, Sendable, CaseIterable {
    case invdb, gitleaks, trufflehog, trufflehog2, detectSecrets = "detect-secrets", kingfisher
}
