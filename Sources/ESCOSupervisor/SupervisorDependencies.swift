public import ESCOCore
import Foundation

/// A service the supervisor waits for: Weaviate's or the vectorizer's readiness endpoint.
public protocol DependencyProbe: Sendable {
    /// Short name for logs and messages, e.g. `weaviate`.
    var name: String { get }
    /// Where it is, for messages only (never with credentials).
    var url: String { get }
    /// One readiness check. Must not throw: an unreachable service is simply not ready.
    func isReady() async -> Bool
}

/// Reads the current ingestion state (docs/ARCHITECTURE.md#state-and-lease).
public protocol IngestionStateReading: Sendable {
    /// The state, or nil when no state object exists yet. Throws when the store cannot be read.
    func readState() async throws -> IngestionState?
}

/// Computes the fingerprint of the mounted dataset, to tell "completed" from "outdated".
public protocol MountedDataFingerprinting: Sendable {
    /// Called once per run, on a dedicated thread (it may hash files).
    func fingerprint() throws -> String
}

/// Checks that the stored data is complete and usable (docs/ARCHITECTURE.md#supervisor, `verify`).
public protocol Verifying: Sendable {
    /// A report with one entry per check; throws only when the checks could not run at all.
    func verify() async throws -> VerificationReport
}

/// The command line of the ingestion child.
public protocol IngestLauncher: Sendable {
    /// argv (argv[0] is the program) and environment; `force` re-ingests data that exists.
    func command(force: Bool) -> IngestCommand
}

/// What `ChildProcess` runs.
public struct IngestCommand: Sendable, Hashable {
    public var arguments: [String]
    /// The full environment (`NOTIFY_SOCKET` and `WATCHDOG_*` are removed at spawn time anyway).
    public var environment: [String: String]

    /// `environment` nil: this process's environment.
    public init(arguments: [String], environment: [String: String]? = nil) {
        self.arguments = arguments
        self.environment = environment ?? ProcessInfo.processInfo.environment
    }
}

/// A fixed argv, with extra arguments when forced: e.g. `[esco, ingest, --config, F, --profile, P]`.
public struct ArgvIngestLauncher: IngestLauncher {
    public var arguments: [String]
    public var forceArguments: [String]
    public var environment: [String: String]

    public init(
        arguments: [String], forceArguments: [String] = ["--force-reingest"],
        environment: [String: String]? = nil
    ) {
        self.arguments = arguments
        self.forceArguments = forceArguments
        self.environment = environment ?? ProcessInfo.processInfo.environment
    }

    public func command(force: Bool) -> IngestCommand {
        IngestCommand(arguments: arguments + (force ? forceArguments : []), environment: environment)
    }
}

/// Timing of a supervisor run (from the config file; tests use milliseconds).
public struct SupervisorSettings: Sendable, Hashable {
    /// How long each dependency may stay unready before exit 1.
    public var dependencyDeadline: Duration
    /// How long to wait for an ingestion held by someone else before exit 1.
    public var waitDeadline: Duration
    /// First and largest poll interval while someone else ingests (exponential backoff with jitter).
    public var pollInterval: Duration
    public var pollMaxInterval: Duration
    /// Backoff between readiness probes.
    public var backoffInitial: Duration
    public var backoffMax: Duration
    /// SIGTERM → SIGKILL grace for the child; below compose's 10 s stop timeout.
    public var terminationGrace: Duration
    /// The lease TTL: polls never sleep longer than a third of it, so a dead holder is noticed promptly.
    public var leaseTTL: Duration
    /// `EXTEND_TIMEOUT_USEC` heartbeat and progress interval.
    public var heartbeatInterval: Duration

    public init(
        dependencyDeadline: Duration = Timing.dependencyDeadline, waitDeadline: Duration = Timing.waitDeadline,
        pollInterval: Duration = Timing.pollInterval, pollMaxInterval: Duration = Timing.pollMaxInterval,
        backoffInitial: Duration = Timing.probeBackoffInitial, backoffMax: Duration = Timing.probeBackoffMax,
        terminationGrace: Duration = Timing.terminationGrace, leaseTTL: Duration = Timing.leaseTTL,
        heartbeatInterval: Duration = Timing.supervisorHeartbeat
    ) {
        self.dependencyDeadline = dependencyDeadline
        self.waitDeadline = waitDeadline
        self.pollInterval = pollInterval
        self.pollMaxInterval = pollMaxInterval
        self.backoffInitial = backoffInitial
        self.backoffMax = backoffMax
        self.terminationGrace = terminationGrace
        self.leaseTTL = leaseTTL
        self.heartbeatInterval = heartbeatInterval
    }
}

/// Everything `Supervisor` talks to. The executable's `makeDependencies(config:profile:)` builds it.
public struct SupervisorDependencies: Sendable {
    /// Waited for in this order.
    public var probes: [any DependencyProbe]
    public var stateReader: any IngestionStateReading
    public var fingerprinter: any MountedDataFingerprinting
    public var verifier: any Verifying
    public var launcher: any IngestLauncher
    public var settings: SupervisorSettings

    public init(
        probes: [any DependencyProbe], stateReader: any IngestionStateReading,
        fingerprinter: any MountedDataFingerprinting, verifier: any Verifying, launcher: any IngestLauncher,
        settings: SupervisorSettings = SupervisorSettings()
    ) {
        self.probes = probes
        self.stateReader = stateReader
        self.fingerprinter = fingerprinter
        self.verifier = verifier
        self.launcher = launcher
        self.settings = settings
    }
}
