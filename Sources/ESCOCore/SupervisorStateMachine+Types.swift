/// Inputs, outputs and settings of `SupervisorStateMachine` (docs/ARCHITECTURE.md#supervisor).
extension SupervisorStateMachine {
    /// What the supervisor was asked to do.
    public enum Mode: String, Sendable, Hashable, CaseIterable {
        /// Wait for dependencies, ingest if needed, verify; READY=1 only after a successful verify.
        case run
        /// One state read: exit code of the derived status, no verify, no waiting.
        case status
        /// Run the verifier once.
        case verify
    }

    /// A service the run waits for (Weaviate, the vectorizer). `url` only appears in messages.
    public struct Dependency: Sendable, Hashable {
        public var name: String
        public var url: String

        public init(name: String, url: String) {
            self.name = name
            self.url = url
        }
    }

    /// Times are milliseconds. Deadlines are relative to the moment a phase is entered.
    public struct Configuration: Sendable, Hashable {
        public var mode: Mode
        public var dependencies: [Dependency]
        /// How long each dependency may stay unready (also bounds retries of a failing state read).
        public var dependencyDeadlineMs: Int64
        /// How long to wait for an ingestion held by someone else before giving up with exit 1.
        public var waitDeadlineMs: Int64
        /// Backoff between dependency probes (full jitter).
        public var backoffInitialMs: Int64
        public var backoffMaxMs: Int64
        /// Backoff between state polls while another holder ingests.
        public var pollInitialMs: Int64
        public var pollMaxMs: Int64
        /// Interval of `EXTEND_TIMEOUT_USEC` heartbeats; each extends by three intervals.
        public var heartbeatIntervalMs: Int64
        /// This host's name, to tell our own child's lease (`host:pid`) from someone else's.
        public var hostname: String
        /// How many ingestion children one run may start (guards against take-over loops).
        public var maxIngestRuns: Int
        /// Seed of the jitter generator; the I/O loop draws it from an injectable random source.
        public var jitterSeed: UInt64

        public init(
            mode: Mode = .run, dependencies: [Dependency] = [], dependencyDeadlineMs: Int64 = 300_000,
            waitDeadlineMs: Int64 = 3_600_000, backoffInitialMs: Int64 = 250, backoffMaxMs: Int64 = 5_000,
            pollInitialMs: Int64 = 1_000, pollMaxMs: Int64 = 10_000, heartbeatIntervalMs: Int64 = 10_000,
            hostname: String = "", maxIngestRuns: Int = 3, jitterSeed: UInt64 = 0
        ) {
            self.mode = mode
            self.dependencies = dependencies
            self.dependencyDeadlineMs = dependencyDeadlineMs
            self.waitDeadlineMs = waitDeadlineMs
            self.backoffInitialMs = backoffInitialMs
            self.backoffMaxMs = backoffMaxMs
            self.pollInitialMs = pollInitialMs
            self.pollMaxMs = pollMaxMs
            self.heartbeatIntervalMs = heartbeatIntervalMs
            self.hostname = hostname
            self.maxIngestRuns = maxIngestRuns
            self.jitterSeed = jitterSeed
        }
    }

    /// Something that happened. Every event comes with the wall-clock time (`receive(_:nowMs:)`).
    public enum Event: Sendable, Hashable {
        case start
        case dependencyProbed(name: String, ready: Bool)
        /// A `.sleep` action finished.
        case slept
        /// `nil` state: no state object yet. `nil` fingerprint: the mounted data could not be fingerprinted.
        case stateRead(IngestionState?, mountedFingerprint: String?)
        case stateReadFailed(String)
        case childSpawned(pid: Int32)
        case childSpawnFailed(String)
        /// Periodic tick while the child runs, with the state as last read (nil if unreadable).
        case childProgress(IngestionState?)
        case childExited(ChildExit)
        case verified(VerificationReport)
        case verifyFailed(String)
        /// SIGTERM/SIGINT received by the supervisor.
        case terminationRequested(signal: Int32)
    }

    /// Log levels the state machine uses (mapped to swift-log's by the I/O loop).
    public enum LogLevel: String, Sendable, Hashable {
        case debug, info, notice, warning, error
    }

    /// Why the machine sleeps.
    public enum SleepReason: Sendable, Hashable {
        case dependency(String)
        case stateReadRetry
        case holder(String)
        /// Before checking again data another runner completed.
        case recheck
    }

    /// What the I/O loop must do, in order.
    public enum Action: Sendable, Hashable {
        case probeDependency(name: String)
        case sleep(ms: Int64, reason: SleepReason)
        case readState
        case spawnIngest(force: Bool)
        /// Send the signal to the child's process group (SIGKILL follows after the grace period).
        case forwardSignal(Int32)
        case runVerify
        case notify(status: String, ready: Bool, extendTimeoutUsec: UInt64?)
        case log(LogLevel, String, metadata: [String: String])
        /// Stop: the run is over with this code.
        case exit(ESCOExit, reason: String)
    }
}

/// How a child process ended. A non-zero exit is a result, not an error.
public enum ChildExit: Sendable, Hashable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    public var description: String {
        switch self {
        case .exited(let code): "exited with status \(code)"
        case .signaled(let signal):
            "killed by signal \(signal)" + (ChildExit.signalNames[signal].map { " (\($0))" } ?? "")
        }
    }

    static let signalNames: [Int32: String] = [
        1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 6: "SIGABRT", 9: "SIGKILL", 11: "SIGSEGV", 13: "SIGPIPE",
        15: "SIGTERM",
    ]

    /// The supervisor's exit code for a failed child: its own code when it is one of ours and
    /// actionable (try later, bad data, bad config), otherwise 2. Never 0: only a verify gives 0.
    public var failureExitCode: ESCOExit {
        switch self {
        case .exited(let code):
            switch ESCOExit(rawValue: code) {
            case .tryLater?: .tryLater
            case .dataError?: .dataError
            case .configuration?: .configuration
            default: .needsIngestionOrFailed
            }
        case .signaled: .needsIngestionOrFailed
        }
    }
}
