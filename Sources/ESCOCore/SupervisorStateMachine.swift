/// The decisions of `esco-supervise` (docs/ARCHITECTURE.md#supervisor) as a value: events in, actions out.
///
/// No I/O and no clocks: the I/O loop performs the actions and feeds back what happened, with the
/// time. Run mode: wait for dependencies → read state → completed: verify | live lease elsewhere:
/// wait and poll | not started, failed, stale, outdated: ingest (child) → verify. Exit codes per
/// `ESCOExit`; 0 only after a successful verify.
public struct SupervisorStateMachine: Sendable {
    enum Phase: Sendable, Hashable {
        case idle
        case waitingForDependency(DependencyWait)
        case readingState(ReadContext, ReadRetry)
        case waitingForHolder(HolderWait)
        case ingesting(Ingest)
        case verifying(VerifyContext)
        case done(ESCOExit)
    }

    struct DependencyWait: Sendable, Hashable {
        var index: Int
        var attempt = 0
        var sinceMs: Int64
        var deadlineMs: Int64
        var announced = false
    }

    enum ReadContext: Sendable, Hashable {
        case initial
        case poll(HolderWait)
        case afterChild(ChildExit)
    }

    struct ReadRetry: Sendable, Hashable {
        var firstFailureMs: Int64?
        var attempt = 0
    }

    struct HolderWait: Sendable, Hashable {
        var holder: String
        var attempt = 0
        var sinceMs: Int64
        var deadlineMs: Int64
    }

    struct Ingest: Sendable, Hashable {
        var pid: Int32?
        var terminating: Int32?
    }

    enum VerifyContext: Sendable, Hashable {
        case warm, afterIngest, standalone
        /// Data another runner completed while we waited; `attempt` failed checks so far (see `recheck`).
        case afterOthers(attempt: Int)
    }

    public let configuration: Configuration
    var phase: Phase = .idle
    var jitter: SupervisorJitter
    var ingestRuns = 0
    var lastHeartbeatMs: Int64 = 0
    var currentStatus = "starting"
    /// `host:pid` of the last child started, to recognise its lease after it died.
    var lastChildHolder: String?
    /// When a child first came back busy with no live lease to wait for (see `busyChild`).
    var busySinceMs: Int64?

    public init(configuration: Configuration) {
        self.configuration = configuration
        self.jitter = SupervisorJitter(seed: configuration.jitterSeed)
    }

    /// The phase name used in log lines (`phase=...`).
    public var phaseName: String {
        switch phase {
        case .idle: "start"
        case .waitingForDependency: "wait-dependencies"
        case .readingState: "read-state"
        case .waitingForHolder: "wait-holder"
        case .ingesting: "ingest"
        case .verifying: "verify"
        case .done: "done"
        }
    }

    /// The exit code once the run is over.
    public var exitCode: ESCOExit? {
        if case .done(let code) = phase { return code }
        return nil
    }

    /// Feed one event; returns the actions to perform, in order.
    public mutating func receive(_ event: Event, nowMs: Int64) -> [Action] {
        if case .terminationRequested(let signal) = event { return terminate(signal: signal, nowMs: nowMs) }
        switch (phase, event) {
        case (.idle, .start):
            return start(nowMs: nowMs)
        case (.waitingForDependency(let wait), .dependencyProbed(let name, let ready))
        where name == configuration.dependencies[wait.index].name:
            return ready ? dependencyReady(wait, nowMs: nowMs) : dependencyNotReady(wait, nowMs: nowMs)
        case (.waitingForDependency, .slept):
            guard case .waitingForDependency(let wait) = phase else { return [] }
            return heartbeatIfDue(nowMs: nowMs) + [.probeDependency(name: configuration.dependencies[wait.index].name)]
        case (.readingState(let context, _), .stateRead(let state, let fingerprint)):
            return stateRead(state, fingerprint: fingerprint, context: context, nowMs: nowMs)
        case (.readingState(let context, let retry), .stateReadFailed(let message)):
            return stateReadFailed(message, context: context, retry: retry, nowMs: nowMs)
        case (.readingState, .slept):
            return heartbeatIfDue(nowMs: nowMs) + [.readState]
        case (.waitingForHolder(let wait), .slept):
            phase = .readingState(.poll(wait), ReadRetry())
            return heartbeatIfDue(nowMs: nowMs) + [.readState]
        case (.ingesting(var ingest), .childSpawned(let pid)):
            ingest.pid = pid
            phase = .ingesting(ingest)
            lastChildHolder = "\(configuration.hostname):\(pid)"
            var actions = [log(.info, "ingestion started", ["pid": "\(pid)"])]
            if let signal = ingest.terminating { actions.append(.forwardSignal(signal)) }
            return actions
        case (.ingesting, .childSpawnFailed(let message)):
            return finish(.needsIngestionOrFailed, "could not start the ingestion: \(message)", nowMs: nowMs)
        case (.ingesting, .childProgress(let state)):
            let progress = state.flatMap(Self.progressText) ?? ""
            return setStatus(progress.isEmpty ? "ingesting" : "ingesting \(progress)", nowMs: nowMs)
        case (.ingesting(let ingest), .childExited(let outcome)):
            return childExited(outcome, ingest: ingest, nowMs: nowMs)
        case (.verifying(let context), .verified(let report)):
            return verified(report, context: context, nowMs: nowMs)
        case (.verifying, .slept):
            return heartbeatIfDue(nowMs: nowMs) + [.runVerify]
        case (.verifying, .verifyFailed(let message)):
            return finish(.tryLater, "could not verify the data: \(message)", nowMs: nowMs)
        default:
            return [log(.debug, "event ignored", ["event": "\(event)"])]
        }
    }

    // MARK: - Transitions

    private mutating func start(nowMs: Int64) -> [Action] {
        switch configuration.mode {
        case .status:
            return beginReadState(.initial, nowMs: nowMs)
        case .verify:
            phase = .verifying(.standalone)
            return [.runVerify]
        case .run:
            guard !configuration.dependencies.isEmpty else { return beginReadState(.initial, nowMs: nowMs) }
            return beginDependency(0, nowMs: nowMs)
        }
    }

    private mutating func beginDependency(_ index: Int, nowMs: Int64) -> [Action] {
        let dependency = configuration.dependencies[index]
        phase = .waitingForDependency(
            DependencyWait(index: index, sinceMs: nowMs, deadlineMs: nowMs + configuration.dependencyDeadlineMs)
        )
        return setStatus("waiting for \(dependency.name) at \(dependency.url)", nowMs: nowMs)
            + [.probeDependency(name: dependency.name)]
    }

    private mutating func dependencyReady(_ wait: DependencyWait, nowMs: Int64) -> [Action] {
        let dependency = configuration.dependencies[wait.index]
        let ready = log(
            .info, "ready",
            ["dependency": dependency.name, "url": dependency.url, "waited_ms": "\(nowMs - wait.sinceMs)"]
        )
        if wait.index + 1 < configuration.dependencies.count {
            return [ready] + beginDependency(wait.index + 1, nowMs: nowMs)
        }
        return [ready] + beginReadState(.initial, nowMs: nowMs)
    }

    private mutating func dependencyNotReady(_ wait: DependencyWait, nowMs: Int64) -> [Action] {
        let dependency = configuration.dependencies[wait.index]
        let fields = ["dependency": dependency.name, "url": dependency.url]
        if nowMs >= wait.deadlineMs {
            let seconds = Self.seconds(nowMs - wait.sinceMs)
            return finish(
                .tryLater,
                "\(dependency.name) at \(dependency.url) was not ready after \(seconds): check that it is running"
                    + " and reachable, or raise the dependency deadline",
                nowMs: nowMs, fields: fields
            )
        }
        var next = wait
        var actions: [Action] = []
        if !wait.announced {
            actions.append(log(.info, "waiting", fields))
            next.announced = true
        } else {
            actions.append(log(.debug, "not ready", fields.merging(["attempt": "\(wait.attempt)"]) { $1 }))
        }
        let delay = jitteredDelay(
            attempt: wait.attempt, initialMs: configuration.backoffInitialMs, maxMs: configuration.backoffMaxMs
        )
        next.attempt += 1
        phase = .waitingForDependency(next)
        actions.append(.sleep(ms: max(1, min(delay, wait.deadlineMs - nowMs)), reason: .dependency(dependency.name)))
        return actions
    }

    private mutating func beginReadState(_ context: ReadContext, nowMs: Int64) -> [Action] {
        phase = .readingState(context, ReadRetry())
        if configuration.mode == .run, case .initial = context {
            return setStatus("reading ingestion state", nowMs: nowMs) + [.readState]
        }
        return [.readState]
    }

    private mutating func stateReadFailed(
        _ message: String, context: ReadContext, retry: ReadRetry, nowMs: Int64
    ) -> [Action] {
        guard configuration.mode == .run else {
            return finish(.tryLater, "could not read the ingestion state: \(message)", nowMs: nowMs)
        }
        let first = retry.firstFailureMs ?? nowMs
        if nowMs - first >= configuration.dependencyDeadlineMs {
            return finish(
                .tryLater, "could not read the ingestion state for \(Self.seconds(nowMs - first)): \(message)",
                nowMs: nowMs
            )
        }
        let level: LogLevel = retry.firstFailureMs == nil ? .warning : .debug
        let delay = jitteredDelay(
            attempt: retry.attempt, initialMs: configuration.backoffInitialMs, maxMs: configuration.backoffMaxMs
        )
        phase = .readingState(context, ReadRetry(firstFailureMs: first, attempt: retry.attempt + 1))
        return [
            log(level, "state read failed, retrying", ["error": message]),
            .sleep(ms: max(1, min(delay, first + configuration.dependencyDeadlineMs - nowMs)), reason: .stateReadRetry),
        ]
    }

    private mutating func stateRead(
        _ state: IngestionState?, fingerprint: String?, context: ReadContext, nowMs: Int64
    ) -> [Action] {
        let derived = state?.derivedStatus(nowMs: nowMs, mountedFingerprint: fingerprint) ?? .notStarted
        if configuration.mode == .status {
            return finish(derived.exitCode, Self.summary(state, derived: derived, mounted: fingerprint), nowMs: nowMs)
        }
        if case .afterChild(let outcome) = context {
            if let state, state.leaseIsLive(nowMs: nowMs), !isOurs(state.holder) {
                return beginHolderWait(state, previous: nil, nowMs: nowMs)
            }
            if derived == .completed { return beginVerify(.afterOthers(attempt: 0), nowMs: nowMs) }
            if outcome == .exited(ESCOExit.tryLater.rawValue) { return busyChild(state, nowMs: nowMs) }
            return finish(
                outcome.failureExitCode,
                "ingestion \(outcome); state: \(Self.summary(state, derived: derived, mounted: fingerprint))",
                nowMs: nowMs
            )
        }
        var previous: HolderWait?
        if case .poll(let wait) = context { previous = wait }
        switch derived {
        case .completed:
            return beginVerify(previous == nil ? .warm : .afterOthers(attempt: 0), nowMs: nowMs)
        case .inProgress:
            return beginHolderWait(state ?? IngestionState(), previous: previous, nowMs: nowMs)
        case .stale:
            let holder = state?.holder ?? ""
            return [log(.info, "lease expired, taking over", ["holder": holder])]
                + startIngest(force: false, nowMs: nowMs)
        case .outdated:
            let fields = ["stored_fingerprint": state?.fingerprint ?? "", "mounted_fingerprint": fingerprint ?? ""]
            return [log(.info, "stored data is outdated, re-ingesting", fields)]
                + startIngest(force: true, nowMs: nowMs)
        case .notStarted, .failed:
            return startIngest(force: false, nowMs: nowMs)
        }
    }

    private mutating func beginHolderWait(_ state: IngestionState, previous: HolderWait?, nowMs: Int64) -> [Action] {
        var wait =
            previous
            ?? HolderWait(
                holder: state.holder, sinceMs: nowMs, deadlineMs: nowMs + configuration.waitDeadlineMs
            )
        var actions: [Action] = []
        let progress = Self.progressText(state) ?? ""
        let fields = ["holder": state.holder, "run_id": state.runId, "progress": progress]
        if previous == nil || previous?.holder != state.holder {
            wait.holder = state.holder
            actions.append(log(.info, "waiting for ingestion held by another runner", fields))
        } else {
            actions.append(log(.debug, "still waiting", fields))
        }
        if nowMs >= wait.deadlineMs {
            return actions
                + finish(
                    .tryLater,
                    "ingestion by \(state.holder) still in progress after \(Self.seconds(nowMs - wait.sinceMs)): try later",
                    nowMs: nowMs
                )
        }
        actions += setStatus("waiting for ingestion by \(state.holder) \(progress)", nowMs: nowMs)
        let delay = jitteredDelay(
            attempt: wait.attempt, initialMs: configuration.pollInitialMs, maxMs: configuration.pollMaxMs
        )
        // Wake just after the lease would expire, to take over a dead holder promptly.
        let untilExpiry = max(1, state.leaseExpiresAtMs - nowMs + 1)
        wait.attempt += 1
        phase = .waitingForHolder(wait)
        actions.append(
            .sleep(ms: max(1, min(delay, wait.deadlineMs - nowMs, untilExpiry)), reason: .holder(state.holder))
        )
        return actions
    }

    private mutating func startIngest(force: Bool, nowMs: Int64) -> [Action] {
        guard ingestRuns < configuration.maxIngestRuns else {
            return finish(
                .needsIngestionOrFailed, "gave up after \(ingestRuns) ingestion runs in this supervisor run",
                nowMs: nowMs
            )
        }
        ingestRuns += 1
        phase = .ingesting(Ingest())
        return [log(.info, "starting ingestion", ["force": "\(force)", "run": "\(ingestRuns)"])]
            + setStatus("ingesting", nowMs: nowMs) + [.spawnIngest(force: force)]
    }

    private mutating func childExited(_ outcome: ChildExit, ingest: Ingest, nowMs: Int64) -> [Action] {
        if outcome == .exited(0) {
            return [log(.info, "ingestion finished", [:])] + beginVerify(.afterIngest, nowMs: nowMs)
        }
        if let signal = ingest.terminating {
            return finish(
                outcome.failureExitCode, "ingestion interrupted by signal \(signal): \(outcome)", nowMs: nowMs
            )
        }
        return [log(.warning, "ingestion failed", ["outcome": "\(outcome)"])]
            + beginReadState(.afterChild(outcome), nowMs: nowMs)
    }

    private mutating func beginVerify(_ context: VerifyContext, nowMs: Int64) -> [Action] {
        phase = .verifying(context)
        return setStatus("verifying", nowMs: nowMs) + [.runVerify]
    }

    private mutating func verified(_ report: VerificationReport, context: VerifyContext, nowMs: Int64) -> [Action] {
        switch (context, report.ok) {
        case (.standalone, true):
            return finish(.ready, "verified", nowMs: nowMs)
        case (.standalone, false), (.afterIngest, false):
            return finish(.needsIngestionOrFailed, "verification failed: \(report.failureSummary)", nowMs: nowMs)
        case (.afterOthers(let attempt), false) where attempt < Self.recheckAttempts:
            return recheck(report, attempt: attempt)
        case (.warm, false), (.afterOthers, false):
            return [log(.warning, "verification failed, re-ingesting", ["failed": report.failureSummary])]
                + startIngest(force: true, nowMs: nowMs)
        case (.warm, true), (.afterIngest, true), (.afterOthers, true):
            let verifiedLog = log(.info, "verified", ["checks": "\(report.checks.count)"])
            phase = .done(.ready)
            return [
                verifiedLog,
                .notify(status: "ready: data verified", ready: true, extendTimeoutUsec: nil),
                .exit(
                    .ready,
                    reason: context == .warm
                        ? "data ready: already complete and verified"
                        : "data ready: ingested and verified"),
            ]
        }
    }

    private mutating func terminate(signal: Int32, nowMs: Int64) -> [Action] {
        switch phase {
        case .done:
            return []
        case .ingesting(var ingest):
            let first = ingest.terminating == nil
            ingest.terminating = signal
            phase = .ingesting(ingest)
            var actions = [log(first ? .notice : .warning, "forwarding signal to ingestion", ["signal": "\(signal)"])]
            if ingest.pid != nil { actions.append(.forwardSignal(signal)) }
            return actions
        default:
            return finish(.tryLater, "terminated by signal \(signal) while in phase \(phaseName)", nowMs: nowMs)
        }
    }

    mutating func finish(
        _ code: ESCOExit, _ reason: String, nowMs: Int64, fields: [String: String] = [:]
    ) -> [Action] {
        let level: LogLevel = code == .ready ? .info : (code == .tryLater ? .warning : .error)
        var actions = [
            log(level, "exiting", fields.merging(["exit_code": "\(code.rawValue)", "reason": reason]) { $1 })
        ]
        phase = .done(code)
        if configuration.mode == .run {
            actions.append(.notify(status: "exit \(code.rawValue): \(reason)", ready: false, extendTimeoutUsec: nil))
        }
        actions.append(.exit(code, reason: reason))
        return actions
    }
}
