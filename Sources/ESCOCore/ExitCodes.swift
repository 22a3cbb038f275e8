/// The one exit-code table shared by `esco`, `esco-supervise` and `esco-search` (docs/ARCHITECTURE.md#exit-codes).
///
/// Executables alone choose exit codes; libraries throw errors that the executables map to these.
public enum ESCOExit: Int32, Sendable, CaseIterable {
    /// Data ready: skipped because verified complete, or ingested and verified.
    case ready = 0
    /// In progress elsewhere, or a deadline passed while waiting: try later.
    case tryLater = 1
    /// Needs ingestion, or ingestion/verification failed.
    case needsIngestionOrFailed = 2
    /// Command-line usage error (sysexits EX_USAGE).
    case usage = 64
    /// Bad input data, e.g. a malformed ESCO CSV (sysexits EX_DATAERR).
    case dataError = 65
    /// Configuration error (sysexits EX_CONFIG).
    case configuration = 78

    /// Whether running again later can succeed without anyone acting: only "try later". Deployments derive their
    /// restart rules from this (systemd's `RestartPreventExitStatus=`, the Kubernetes Job's `podFailurePolicy`), and
    /// tests check each of them against it.
    public var isRetryable: Bool { self == .tryLater }

    /// One line per code, for `--help` texts and the README.
    public var meaning: String {
        switch self {
        case .ready: "data ready (verified complete, skipped or ingested)"
        case .tryLater: "ingestion in progress elsewhere, or a deadline passed while waiting: try later"
        case .needsIngestionOrFailed: "data needs ingestion, or ingestion/verification failed"
        case .usage: "command-line usage error"
        case .dataError: "malformed input data (file:line:column in the message)"
        case .configuration: "configuration error (file:line:column and key path in the message)"
        }
    }

    /// Help-text table: "  0  data ready ...".
    public static var helpTable: String {
        allCases.map {
            let code = String($0.rawValue)
            return "  " + code + String(repeating: " ", count: max(1, 4 - code.count)) + $0.meaning
        }
        .joined(separator: "\n")
    }
}

/// The contract between `esco ingest` and the supervisor that runs it as a child: what each exit status of the
/// child means. `esco ingest` exits with `code`; the supervisor reads a `ChildExit` back with `init(_:)`.
public enum IngestExit: Sendable, Hashable, CaseIterable {
    /// The data is ready: ingested and verified, or already complete and skipped.
    case ready
    /// Busy: another runner holds the ingestion lock (or a deadline passed first). The child did no work; the
    /// supervisor reads the state and waits for the holder instead of failing.
    case busy
    /// The ingestion or its verification failed; the state records why.
    case failed
    /// The dataset is malformed (the message names file:line:column).
    case dataError
    /// The configuration is wrong (the message names file:line:column and the key path).
    case configuration

    /// The process exit code `esco ingest` uses for this outcome.
    public var code: ESCOExit {
        switch self {
        case .ready: .ready
        case .busy: .tryLater
        case .failed: .needsIngestionOrFailed
        case .dataError: .dataError
        case .configuration: .configuration
        }
    }

    /// The outcome a child's exit status stands for; nil for a status `esco ingest` never uses.
    public init?(status: Int32) {
        guard let outcome = Self.allCases.first(where: { $0.code.rawValue == status }) else { return nil }
        self = outcome
    }
}
