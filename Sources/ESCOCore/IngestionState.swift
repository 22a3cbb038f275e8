/// The ingestion state model (docs/ARCHITECTURE.md#state-and-lease): what is stored in the `Metadata` class and what
/// everyone (esco status, esco-supervise, esco-search /readyz) derives from it.

/// Stored status. `stale` and `outdated` are never stored: they are derived (see `IngestionState.derivedStatus`).
public enum IngestionStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case notStarted = "not_started"
    case inProgress = "in_progress"
    case completed
    case failed
    case stale
    case outdated
}

/// The lease holder: which process on which host runs the ingestion.
public struct Holder: Sendable, Hashable, Codable, CustomStringConvertible {
    public var host: String
    public var pid: Int32
    public var runId: String

    public init(host: String, pid: Int32, runId: String) {
        self.host = host
        self.pid = pid
        self.runId = runId
    }

    /// `host:pid` as stored in the `holder` property.
    public var description: String { "\(host):\(pid)" }
}

/// Current ingestion state, one object at a fixed ID. Times are milliseconds since the Unix epoch.
public struct IngestionState: Sendable, Hashable, Codable {
    public var status: IngestionStatus
    public var runId: String
    public var holder: String
    /// Lease fencing token: strictly increases with every acquisition.
    public var generation: Int
    public var leaseExpiresAtMs: Int64
    public var heartbeatAtMs: Int64
    public var startedAtMs: Int64
    public var endedAtMs: Int64
    /// Name of the current step (see `IngestionPlan`), or empty.
    public var step: String
    public var stepIndex: Int
    public var stepCount: Int
    public var itemsDone: Int
    public var itemsTotal: Int
    /// Dataset fingerprint (overall sha256 plus recipe) the run is loading.
    public var fingerprint: String
    /// Objects per class written (or verified), e.g. ["Skill": 13896].
    public var counts: [String: Int]
    /// Last error, with the step it happened in; empty when none.
    public var error: String
    /// Checkpoints: steps finished for `fingerprint`, so a re-run can skip them.
    public var completedSteps: [String]
    /// esco-stack version that wrote the state.
    public var version: String
    /// Reference counts to spot-check at verification, as `Class/uuid/property=count`, recorded at
    /// ingestion so a warm start can verify without re-reading the dataset.
    public var referenceSample: [String] = []
    /// The vectorizer that made the stored vectors, recorded when the run starts (nil: not recorded).
    public var vectorizer: VectorizerIdentity?
    /// Which data generation serves, is being built, and is kept for a rollback (docs/ARCHITECTURE.md#aliases).
    public var generations = Generations()

    public init(
        status: IngestionStatus = .notStarted, runId: String = "", holder: String = "", generation: Int = 0,
        leaseExpiresAtMs: Int64 = 0, heartbeatAtMs: Int64 = 0, startedAtMs: Int64 = 0, endedAtMs: Int64 = 0,
        step: String = "", stepIndex: Int = 0, stepCount: Int = 0, itemsDone: Int = 0, itemsTotal: Int = 0,
        fingerprint: String = "", counts: [String: Int] = [:], error: String = "", completedSteps: [String] = [],
        version: String = ESCOStack.version, referenceSample: [String] = [], vectorizer: VectorizerIdentity? = nil,
        generations: Generations = Generations()
    ) {
        self.status = status
        self.runId = runId
        self.holder = holder
        self.generation = generation
        self.leaseExpiresAtMs = leaseExpiresAtMs
        self.heartbeatAtMs = heartbeatAtMs
        self.startedAtMs = startedAtMs
        self.endedAtMs = endedAtMs
        self.step = step
        self.stepIndex = stepIndex
        self.stepCount = stepCount
        self.itemsDone = itemsDone
        self.itemsTotal = itemsTotal
        self.fingerprint = fingerprint
        self.counts = counts
        self.error = error
        self.completedSteps = completedSteps
        self.version = version
        self.referenceSample = referenceSample
        self.vectorizer = vectorizer
        self.generations = generations
    }

    /// True while an in-progress run's lease has not expired.
    public func leaseIsLive(nowMs: Int64) -> Bool {
        status == .inProgress && leaseExpiresAtMs > nowMs
    }

    /// The status an operator should see: `in_progress` with an expired lease is `stale`;
    /// `completed` for a dataset fingerprint no kept generation has is `outdated` (a rollback serves a previous
    /// generation while the newer data stays mounted: that is the operator's choice, not outdated data).
    public func derivedStatus(nowMs: Int64, mountedFingerprint: String?) -> IngestionStatus {
        switch status {
        case .inProgress where !leaseIsLive(nowMs: nowMs): return .stale
        case .completed
        where mountedFingerprint != nil && mountedFingerprint != fingerprint
            && !generations.keeps(mountedFingerprint!):
            return .outdated
        default: return status
        }
    }
}

/// What an `esco status`/`esco-supervise` probe concludes, with the exit code of docs/ARCHITECTURE.md#exit-codes.
public extension IngestionStatus {
    var exitCode: ESCOExit {
        switch self {
        case .completed: .ready
        case .inProgress: .tryLater
        case .notStarted, .failed, .stale, .outdated: .needsIngestionOrFailed
        }
    }
}
