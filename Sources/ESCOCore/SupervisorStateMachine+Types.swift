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

        /// The timing defaults are `Timing`'s (one place for every default), in the machine's milliseconds.
        public init(
            mode: Mode = .run, dependencies: [Dependency] = [],
            dependencyDeadlineMs: Int64 = Timing.dependencyDeadline.wholeMilliseconds,
            waitDeadlineMs: Int64 = Timing.waitDeadline.wholeMilliseconds,
            backoffInitialMs: Int64 = Timing.probeBackoffInitial.wholeMilliseconds,
            backoffMaxMs: Int64 = Timing.probeBackoffMax.wholeMilliseconds,
            pollInitialMs: Int64 = Timing.pollInterval.wholeMilliseconds,
            pollMaxMs: Int64 = Timing.pollMaxInterval.wholeMilliseconds,
            heartbeatIntervalMs: Int64 = Timing.supervisorHeartbeat.wholeMilliseconds,
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
        /// A timer the machine scheduled went off. Only the armed timer counts: any other is stale and ignored.
        case timerFired(Timer)
        /// `nil` state: no state object yet. `nil` fingerprint: the mounted data could not be fingerprinted.
        case stateRead(IngestionState?, mountedFingerprint: String?)
        case stateReadFailed(String)
        case childSpawned(pid: Int32)
        case childSpawnFailed(String)
        /// The answer to `.readProgress`, with the state as read (nil if unreadable).
        case childProgress(IngestionState?)
        case childExited(ChildExit)
        case verified(VerificationReport)
        case verifyFailed(String)
        /// SIGTERM/SIGINT received by the supervisor.
        case terminationRequested(signal: Int32)
    }

    /// Why the machine waits.
    public enum SleepReason: Sendable, Hashable {
        case dependency(String)
        case stateReadRetry
        case holder(String)
        /// Before checking again data another runner completed.
        case recheck
        /// The next progress read (and heartbeat) while the child ingests.
        case progress
    }

    /// A wait the I/O loop performs, then reports with `.timerFired(self)`. `id` is unique within one machine,
    /// so a timer that fires after its phase ended (postgres-nio's `PoolStateMachine` timers) is recognised.
    public struct Timer: Sendable, Hashable {
        public var id: Int
        public var delayMs: Int64
        public var reason: SleepReason

        public init(id: Int, delayMs: Int64, reason: SleepReason) {
            self.id = id
            self.delayMs = delayMs
            self.reason = reason
        }
    }

    /// What the I/O loop must do, in order. Semantic: the I/O loop renders statuses, log lines and reasons
    /// (`SupervisorStateMachine+Text.swift`).
    public enum Action: Sendable, Hashable {
        case probeDependency(name: String)
        case scheduleTimer(Timer)
        case readState
        /// Read the state for the child's progress; answered with `.childProgress`.
        case readProgress
        case spawnIngest(force: Bool)
        /// Send the signal to the child's process group (SIGKILL follows after the grace period).
        case forwardSignal(Int32)
        case runVerify
        /// Tell the service manager: `STATUS=` (and `READY=1` for `.ready`), with `EXTEND_TIMEOUT_USEC=` if set.
        case notify(Status, extendTimeoutUsec: UInt64?)
        case log(LogEvent, phase: String)
        /// Stop: the run is over with this code.
        case exit(ESCOExit, ExitReason)
    }
}

/// How a child process ended. A non-zero exit is a result, not an error.
public enum ChildExit: Sendable, Hashable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)
    /// The child ended but its status was collected by another waiter (`waitpid` said ECHILD).
    case statusLost

    public var description: String {
        switch self {
        case .exited(let code): "exited with status \(code)"
        case .signaled(let signal):
            "killed by signal \(signal)" + (ChildExit.signalNames[signal].map { " (\($0))" } ?? "")
        case .statusLost: "ended, status unknown (another waiter collected it: waitpid said ECHILD)"
        }
    }

    static let signalNames: [Int32: String] = [
        1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 6: "SIGABRT", 9: "SIGKILL", 11: "SIGSEGV", 13: "SIGPIPE",
        15: "SIGTERM",
    ]

    /// What `esco ingest` said by its exit status (`IngestExit`); nil for a signal or a status it never uses.
    public var ingestExit: IngestExit? {
        if case .exited(let code) = self { IngestExit(status: code) } else { nil }
    }

    /// The supervisor's exit code for a failed child: its own code when it is one of ours and
    /// actionable (busy: try later, bad data, bad config), otherwise 2. Never 0: only a verify gives 0.
    public var failureExitCode: ESCOExit {
        switch ingestExit {
        case .busy?: .tryLater
        case .dataError?: .dataError
        case .configuration?: .configuration
        case .ready?, .failed?, nil: .needsIngestionOrFailed
        }
    }
}
