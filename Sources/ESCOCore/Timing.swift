/// Every timing setting is a `Duration` (the standard library's), whatever unit its configuration key is
/// written in, and every default lives here (docs/configuration.md#timing lists them with their keys).
public enum Timing {
    /// `weaviate.connectTimeoutSeconds`, `vectorizer.connectTimeoutSeconds`.
    public static let connectTimeout: Duration = .seconds(5)
    /// `weaviate.requestTimeoutSeconds`, `vectorizer.requestTimeoutSeconds`.
    public static let requestTimeout: Duration = .seconds(60)
    /// `ingest.leaseTTLSeconds`: a lease not renewed for this long may be taken over.
    public static let leaseTTL: Duration = .seconds(60)
    /// `ingest.heartbeatSeconds`: how often the holder renews its lease (at most a third of the TTL).
    public static let heartbeat: Duration = .seconds(10)
    /// `ingest.settleMilliseconds`: pause after writes before verifying, so Weaviate's index has caught up.
    public static let settle: Duration = .milliseconds(500)
    /// `supervisor.dependencyDeadlineSeconds`: how long the supervisor waits for Weaviate and the vectorizer.
    public static let dependencyDeadline: Duration = .seconds(300)
    /// `supervisor.pollIntervalSeconds`: the first pause between polls of another holder's ingestion.
    public static let pollInterval: Duration = .seconds(5)
    /// The longest pause between polls: the backoff grows from `pollInterval` up to this, or stays at
    /// `pollInterval` when that is longer (`Timing.pollMaxInterval(poll:)`).
    public static let pollMaxInterval: Duration = .seconds(10)
    /// `supervisor.waitDeadlineSeconds`: how long the supervisor waits for another holder's ingestion.
    public static let waitDeadline: Duration = .seconds(3_600)
    /// `supervisor.graceSeconds`: SIGTERM-to-SIGKILL grace for the ingestion child; below compose's 10 s.
    public static let terminationGrace: Duration = .seconds(8)
    /// The first pause between the supervisor's readiness probes of Weaviate and the vectorizer (then doubling,
    /// with jitter, up to `probeBackoffMax`). Not configurable.
    public static let probeBackoffInitial: Duration = .milliseconds(250)
    public static let probeBackoffMax: Duration = .seconds(5)
    /// The longest interval between the supervisor's heartbeat log lines (shorter when the lease heartbeat is).
    public static let supervisorHeartbeat: Duration = .seconds(10)

    /// The poll backoff's ceiling for a first interval of `poll`: `pollMaxInterval`, or `poll` if longer.
    public static func pollMaxInterval(poll: Duration) -> Duration { max(poll, pollMaxInterval) }

    /// The supervisor's heartbeat interval for a lease heartbeat of `heartbeat`: never above
    /// `supervisorHeartbeat`.
    public static func supervisorHeartbeat(leaseHeartbeat heartbeat: Duration) -> Duration {
        min(heartbeat, supervisorHeartbeat)
    }
}

extension Duration {
    /// Whole milliseconds, truncated toward zero (the unit the state and the state machine count in).
    public var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// Seconds as a `Double`, for the C APIs (libcurl, poll) and messages that take fractional seconds.
    public var secondsValue: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// A duration of `seconds` fractional seconds, to the millisecond (as configuration files write them).
    public static func seconds(fractional seconds: Double) -> Duration {
        .milliseconds(Int64((seconds * 1000).rounded()))
    }
}
