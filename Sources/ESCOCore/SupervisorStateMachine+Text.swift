private typealias Machine = SupervisorStateMachine

/// What `SupervisorStateMachine` reports, as values, and how they read. The machine decides; the I/O loop renders
/// these for systemd's `STATUS=`, the log and the exit reason.
extension SupervisorStateMachine {
    /// The phase, as shown to systemd (`STATUS=`).
    public enum Status: Sendable, Hashable, CustomStringConvertible {
        case starting
        case waitingForDependency(Dependency)
        case readingState
        case waitingForHolder(IngestionState)
        /// The child found the lock taken before the winner recorded its lease.
        case waitingForLock
        case ingesting(IngestionState?)
        case verifying
        /// The data is verified: the only status sent with `READY=1`.
        case ready
        case exiting(ESCOExit, ExitReason)

        public var description: String {
            switch self {
            case .starting: "starting"
            case .waitingForDependency(let dependency): "waiting for \(dependency.name) at \(dependency.url)"
            case .readingState: "reading ingestion state"
            case .waitingForHolder(let state):
                "waiting for ingestion by \(state.holder) \(Machine.progressText(state) ?? "")".trimmed
            case .waitingForLock: "waiting for the ingestion lock held by another runner"
            case .ingesting(let state): "ingesting \(state.flatMap(Machine.progressText) ?? "")".trimmed
            case .verifying: "verifying"
            case .ready: "ready: data verified"
            case .exiting(let code, let reason): "exit \(code.rawValue): \(reason)"
            }
        }
    }

    /// Why a run ended: the exit reason an operator reads (`esco-supervise status` prints it).
    public enum ExitReason: Sendable, Hashable, CustomStringConvertible {
        case dependencyNotReady(Dependency, waitedMs: Int64)
        /// Status mode: the state could not be read once.
        case stateUnreadable(String)
        /// Run mode: the state stayed unreadable for `forMs`.
        case stateUnreadableFor(ms: Int64, String)
        /// Status mode: what the state says.
        case stateSummary(IngestionState?, IngestionStatus, mountedFingerprint: String?)
        case lockHeldWithoutLease(forMs: Int64)
        case holderStillIngesting(holder: String, forMs: Int64)
        case ingestRunsExhausted(Int)
        case spawnFailed(String)
        case interrupted(signal: Int32, ChildExit)
        case ingestionFailed(ChildExit, IngestionState?, IngestionStatus, mountedFingerprint: String?)
        case verificationFailed(VerificationReport)
        case verifyError(String)
        /// Verify mode: the checks passed.
        case verified
        /// Run mode: the data is ready; `warm`: it was complete before this run.
        case dataReady(warm: Bool)
        case terminated(signal: Int32, phase: String)

        public var description: String {
            switch self {
            case .dependencyNotReady(let dependency, let waited):
                "\(dependency.name) at \(dependency.url) was not ready after \(Machine.seconds(waited)): check that it"
                    + " is running and reachable, or raise the dependency deadline"
            case .stateUnreadable(let message): "could not read the ingestion state: \(message)"
            case .stateUnreadableFor(let ms, let message):
                "could not read the ingestion state for \(Machine.seconds(ms)): \(message)"
            case .stateSummary(let state, let derived, let mounted):
                Machine.summary(state, derived: derived, mounted: mounted)
            case .lockHeldWithoutLease(let ms):
                "the ingestion lock was held by another runner for \(Machine.seconds(ms)) without a recorded lease:"
                    + " try later"
            case .holderStillIngesting(let holder, let ms):
                "ingestion by \(holder) still in progress after \(Machine.seconds(ms)): try later"
            case .ingestRunsExhausted(let runs): "gave up after \(runs) ingestion runs in this supervisor run"
            case .spawnFailed(let message): "could not start the ingestion: \(message)"
            case .interrupted(let signal, let outcome): "ingestion interrupted by signal \(signal): \(outcome)"
            case .ingestionFailed(let outcome, let state, let derived, let mounted):
                "ingestion \(outcome); state: \(Machine.summary(state, derived: derived, mounted: mounted))"
            case .verificationFailed(let report): "verification failed: \(report.failureSummary)"
            case .verifyError(let message): "could not verify the data: \(message)"
            case .verified: "verified"
            case .dataReady(let warm):
                warm ? "data ready: already complete and verified" : "data ready: ingested and verified"
            case .terminated(let signal, let phase): "terminated by signal \(signal) while in phase \(phase)"
            }
        }

        /// Extra log fields of the `exiting` line.
        var fields: [String: String] {
            if case .dependencyNotReady(let dependency, _) = self {
                return ["dependency": dependency.name, "url": dependency.url]
            }
            return [:]
        }
    }

    public enum LogLevel: String, Sendable, Hashable {
        case debug, info, notice, warning, error
    }

    /// Something worth a log line. The I/O loop writes `message` at `level` with `metadata` and the phase.
    public enum LogEvent: Sendable, Hashable {
        case dependencyReady(Dependency, waitedMs: Int64)
        case dependencyWaiting(Dependency)
        case dependencyNotReady(Dependency, attempt: Int)
        case stateReadRetrying(error: String, first: Bool)
        case leaseExpired(holder: String)
        case dataOutdated(stored: String, mounted: String)
        case holderWaitStarted(IngestionState)
        case holderStillIngesting(IngestionState)
        case lockHeldWithoutLease
        case ingestionStarting(force: Bool, run: Int)
        case ingestionStarted(pid: Int32)
        case ingestionFinished
        case ingestionFailed(ChildExit)
        case verificationRecheck(VerificationReport, attempt: Int)
        case verificationFailedReingesting(VerificationReport)
        case verified(checks: Int)
        case forwardingSignal(Int32, first: Bool)
        case exiting(ESCOExit, ExitReason)
        /// An answer that arrived after its phase ended (a stale timer or progress read): deliberately dropped.
        case staleEventIgnored(Event)

        public var level: LogLevel {
            switch self {
            case .dependencyNotReady, .holderStillIngesting, .staleEventIgnored: .debug
            case .stateReadRetrying(_, let first): first ? .warning : .debug
            case .ingestionFailed, .verificationRecheck, .verificationFailedReingesting: .warning
            case .forwardingSignal(_, let first): first ? .notice : .warning
            case .exiting(let code, _): code == .ready ? .info : (code == .tryLater ? .warning : .error)
            default: .info
            }
        }

        public var message: String {
            switch self {
            case .dependencyReady: "ready"
            case .dependencyWaiting: "waiting"
            case .dependencyNotReady: "not ready"
            case .stateReadRetrying: "state read failed, retrying"
            case .leaseExpired: "lease expired, taking over"
            case .dataOutdated: "stored data is outdated, re-ingesting"
            case .holderWaitStarted: "waiting for ingestion held by another runner"
            case .holderStillIngesting: "still waiting"
            case .lockHeldWithoutLease: "ingestion lock held by another runner, waiting for its state"
            case .ingestionStarting: "starting ingestion"
            case .ingestionStarted: "ingestion started"
            case .ingestionFinished: "ingestion finished"
            case .ingestionFailed: "ingestion failed"
            case .verificationRecheck: "verification failed, checking again"
            case .verificationFailedReingesting: "verification failed, re-ingesting"
            case .verified: "verified"
            case .forwardingSignal: "forwarding signal to ingestion"
            case .exiting: "exiting"
            case .staleEventIgnored: "event ignored"
            }
        }

        public var metadata: [String: String] {
            switch self {
            case .dependencyReady(let dependency, let waited):
                ["dependency": dependency.name, "url": dependency.url, "waited_ms": "\(waited)"]
            case .dependencyWaiting(let dependency): ["dependency": dependency.name, "url": dependency.url]
            case .dependencyNotReady(let dependency, let attempt):
                ["dependency": dependency.name, "url": dependency.url, "attempt": "\(attempt)"]
            case .stateReadRetrying(let error, _): ["error": error]
            case .leaseExpired(let holder): ["holder": holder]
            case .dataOutdated(let stored, let mounted): ["stored_fingerprint": stored, "mounted_fingerprint": mounted]
            case .holderWaitStarted(let state), .holderStillIngesting(let state):
                ["holder": state.holder, "run_id": state.runId, "progress": Machine.progressText(state) ?? ""]
            case .ingestionStarting(let force, let run): ["force": "\(force)", "run": "\(run)"]
            case .ingestionStarted(let pid): ["pid": "\(pid)"]
            case .ingestionFailed(let outcome): ["outcome": "\(outcome)"]
            case .verificationRecheck(let report, let attempt):
                ["failed": report.failureSummary, "attempt": "\(attempt)/\(Machine.recheckAttempts)"]
            case .verificationFailedReingesting(let report): ["failed": report.failureSummary]
            case .verified(let checks): ["checks": "\(checks)"]
            case .forwardingSignal(let signal, _): ["signal": "\(signal)"]
            case .exiting(let code, let reason):
                reason.fields.merging(["exit_code": "\(code.rawValue)", "reason": "\(reason)"]) { $1 }
            case .staleEventIgnored(let event): ["event": "\(event)"]
            case .ingestionFinished, .lockHeldWithoutLease: [:]
            }
        }
    }

    /// `5/12 skills 1200/13896`, or nil when the state carries no step.
    public static func progressText(_ state: IngestionState) -> String? {
        guard state.stepCount > 0 else { return nil }
        var text = "\(state.stepIndex)/\(state.stepCount)"
        if !state.step.isEmpty { text += " \(state.step)" }
        if state.itemsTotal > 0 { text += " \(state.itemsDone)/\(state.itemsTotal)" }
        return text
    }

    /// One line for `esco-supervise status` and exit reasons.
    public static func summary(_ state: IngestionState?, derived: IngestionStatus, mounted: String?) -> String {
        guard let state else { return "not_started: no ingestion state yet" }
        let progress = Machine.progressText(state).map { ", step \($0)" } ?? ""
        switch derived {
        case .completed:
            return "completed: run \(state.runId), fingerprint \(state.fingerprint)"
        case .inProgress:
            return "in_progress: held by \(state.holder) (run \(state.runId))\(progress)"
        case .stale:
            return "stale: the lease of \(state.holder) (run \(state.runId)) expired\(progress)"
        case .outdated:
            return "outdated: stored fingerprint \(state.fingerprint), mounted data \(mounted ?? "unknown")"
        case .failed:
            return "failed: \(state.error.isEmpty ? "no error recorded" : state.error)\(progress)"
        case .notStarted:
            return "not_started"
        }
    }

    static func seconds(_ ms: Int64) -> String {
        ms % 1000 == 0 ? "\(ms / 1000) s" : "\(Double(ms) / 1000) s"
    }
}

extension String {
    fileprivate var trimmed: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
