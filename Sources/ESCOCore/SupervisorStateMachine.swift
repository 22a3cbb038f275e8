/// The decisions of `esco-supervise` (docs/ARCHITECTURE.md#supervisor) as a value: events in, actions out.
///
/// No I/O and no clocks: the I/O loop performs the actions and feeds back what happened, with the
/// time. Run mode: wait for dependencies → read state → completed: verify | live lease elsewhere:
/// wait and poll | not started, failed, stale, outdated: ingest (child) → verify. Exit codes per
/// `ESCOExit`; 0 only after a successful verify.
///
/// Shape (postgres-nio's `ConnectionStateMachine` and `PoolStateMachine`): one method per event, each an
/// exhaustive switch over the phase; a pair the I/O loop cannot produce is a `preconditionFailure`. Everything a
/// decision depends on lives in `Phase`; timers carry an id, and a timer that is not the armed one is stale.
public struct SupervisorStateMachine: Sendable {
    enum Phase: Sendable, Hashable {
        case idle
        case waitingForDependency(DependencyWait)
        case readingState(ReadContext, ReadRetry, History)
        case waitingForHolder(HolderWait, History)
        case ingesting(Ingest, History)
        case verifying(VerifyContext, History)
        case done(ESCOExit)
    }

    /// What the run has done so far, carried from phase to phase once dependencies are ready.
    struct History: Sendable, Hashable {
        /// Ingestion children that did work (a child that came back busy does not count): guards take-over loops.
        var ingestRuns = 0
        /// `host:pid` of the last child started, to recognise its lease after it died.
        var lastChildHolder: String?
        /// When a child first came back busy with no live lease to wait for (see `busyChild`).
        var busySinceMs: Int64?
    }

    struct DependencyWait: Sendable, Hashable {
        var index: Int
        var attempt = 0
        var sinceMs: Int64
        var deadlineMs: Int64
        var announced = false
        /// Armed between a failed probe and the next one.
        var timer: Timer?
    }

    enum ReadContext: Sendable, Hashable {
        case initial
        case poll(HolderWait)
        case afterChild(ChildExit)
    }

    struct ReadRetry: Sendable, Hashable {
        var firstFailureMs: Int64?
        var attempt = 0
        var timer: Timer?
    }

    struct HolderWait: Sendable, Hashable {
        var holder: String
        var attempt = 0
        var sinceMs: Int64
        var deadlineMs: Int64
        var timer: Timer?
    }

    struct Ingest: Sendable, Hashable {
        var pid: Int32?
        var terminating: Int32?
        /// Armed while the child runs and no progress read is in flight.
        var progressTimer: Timer?
    }

    enum VerifyContext: Sendable, Hashable {
        case warm, afterIngest, standalone
        /// Data another runner completed while we waited; `attempt` failed checks so far, `timer` the pause
        /// before the next check (see `recheck`).
        case afterOthers(attempt: Int, timer: Timer?)
    }

    public let configuration: Configuration
    var phase: Phase = .idle
    /// The jitter source and the timer ids: generators, not decisions.
    var jitter: SupervisorJitter
    var nextTimerID = 0
    /// What systemd was told last and when: heartbeats repeat it.
    var reported = Status.starting
    var lastHeartbeatMs: Int64 = 0

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

    /// The timer the machine waits for, if any: the only one `.timerFired` acts on.
    public var armedTimer: Timer? {
        switch phase {
        case .waitingForDependency(let wait): wait.timer
        case .readingState(_, let retry, _): retry.timer
        case .waitingForHolder(let wait, _): wait.timer
        case .ingesting(let ingest, _): ingest.progressTimer
        case .verifying(.afterOthers(_, let timer), _): timer
        case .idle, .verifying, .done: nil
        }
    }

    /// Feed one event; returns the actions to perform, in order.
    public mutating func receive(_ event: Event, nowMs: Int64) -> [Action] {
        switch event {
        case .start: start(nowMs: nowMs)
        case .dependencyProbed(let name, let ready): dependencyProbed(name: name, ready: ready, nowMs: nowMs)
        case .timerFired(let timer): timerFired(timer, nowMs: nowMs)
        case .stateRead(let state, let fingerprint): stateRead(state, fingerprint: fingerprint, nowMs: nowMs)
        case .stateReadFailed(let message): stateReadFailed(message, nowMs: nowMs)
        case .childSpawned(let pid): childSpawned(pid: pid)
        case .childSpawnFailed(let message): childSpawnFailed(message, nowMs: nowMs)
        case .childProgress(let state): childProgress(state, nowMs: nowMs)
        case .childExited(let outcome): childExited(outcome, nowMs: nowMs)
        case .verified(let report): verified(report, nowMs: nowMs)
        case .verifyFailed(let message): verifyFailed(message, nowMs: nowMs)
        case .terminationRequested(let signal): terminationRequested(signal: signal, nowMs: nowMs)
        }
    }

    // MARK: - One method per event

    mutating func start(nowMs: Int64) -> [Action] {
        guard case .idle = phase else { preconditionFailure("start received twice (phase \(phaseName))") }
        switch configuration.mode {
        case .status:
            return beginReadState(.initial, History(), nowMs: nowMs)
        case .verify:
            phase = .verifying(.standalone, History())
            return [.runVerify]
        case .run:
            guard !configuration.dependencies.isEmpty else { return beginReadState(.initial, History(), nowMs: nowMs) }
            return beginDependency(0, nowMs: nowMs)
        }
    }

    mutating func dependencyProbed(name: String, ready: Bool, nowMs: Int64) -> [Action] {
        switch phase {
        case .waitingForDependency(let wait) where wait.timer == nil:
            // Only the current dependency's answer counts.
            guard name == configuration.dependencies[wait.index].name else {
                return [log(.staleEventIgnored(.dependencyProbed(name: name, ready: ready)))]
            }
            return ready ? dependencyReady(wait, nowMs: nowMs) : dependencyNotReady(wait, nowMs: nowMs)
        case .idle, .waitingForDependency, .readingState, .waitingForHolder, .ingesting, .verifying, .done:
            preconditionFailure("probe answer without a probe in flight (phase \(phaseName))")
        }
    }

    mutating func timerFired(_ timer: Timer, nowMs: Int64) -> [Action] {
        guard timer == armedTimer else { return [log(.staleEventIgnored(.timerFired(timer)))] }
        switch phase {
        case .waitingForDependency(var wait):
            wait.timer = nil
            phase = .waitingForDependency(wait)
            return heartbeatIfDue(nowMs: nowMs) + [.probeDependency(name: configuration.dependencies[wait.index].name)]
        case .readingState(let context, var retry, let history):
            retry.timer = nil
            phase = .readingState(context, retry, history)
            return heartbeatIfDue(nowMs: nowMs) + [.readState]
        case .waitingForHolder(var wait, let history):
            wait.timer = nil
            phase = .readingState(.poll(wait), ReadRetry(), history)
            return heartbeatIfDue(nowMs: nowMs) + [.readState]
        case .ingesting(var ingest, let history):
            ingest.progressTimer = nil
            phase = .ingesting(ingest, history)
            return [.readProgress]
        case .verifying(.afterOthers(let attempt, _), let history):
            phase = .verifying(.afterOthers(attempt: attempt, timer: nil), history)
            return heartbeatIfDue(nowMs: nowMs) + [.runVerify]
        case .idle, .verifying, .done:
            preconditionFailure("armed timer \(timer.id) in phase \(phaseName), which arms none")
        }
    }

    mutating func stateRead(_ state: IngestionState?, fingerprint: String?, nowMs: Int64) -> [Action] {
        switch phase {
        case .readingState(let context, let retry, let history) where retry.timer == nil:
            return stateRead(state, fingerprint: fingerprint, context: context, history: history, nowMs: nowMs)
        case .idle, .waitingForDependency, .readingState, .waitingForHolder, .ingesting, .verifying, .done:
            preconditionFailure("state read without a read in flight (phase \(phaseName))")
        }
    }

    mutating func stateReadFailed(_ message: String, nowMs: Int64) -> [Action] {
        switch phase {
        case .readingState(let context, let retry, let history) where retry.timer == nil:
            return stateReadFailed(message, context: context, retry: retry, history: history, nowMs: nowMs)
        case .idle, .waitingForDependency, .readingState, .waitingForHolder, .ingesting, .verifying, .done:
            preconditionFailure("state read failure without a read in flight (phase \(phaseName))")
        }
    }

    mutating func childSpawned(pid: Int32) -> [Action] {
        switch phase {
        case .ingesting(var ingest, var history) where ingest.pid == nil:
            ingest.pid = pid
            history.lastChildHolder = "\(configuration.hostname):\(pid)"
            var actions = [log(.ingestionStarted(pid: pid))]
            if let signal = ingest.terminating {
                actions.append(.forwardSignal(signal))
            } else {
                let timer = makeTimer(configuration.heartbeatIntervalMs, .progress)
                ingest.progressTimer = timer
                actions.append(.scheduleTimer(timer))
            }
            phase = .ingesting(ingest, history)
            return actions
        case .idle, .waitingForDependency, .readingState, .waitingForHolder, .ingesting, .verifying, .done:
            preconditionFailure("child spawned outside an ingestion (phase \(phaseName))")
        }
    }

    mutating func childSpawnFailed(_ message: String, nowMs: Int64) -> [Action] {
        switch phase {
        case .ingesting(let ingest, _) where ingest.pid == nil:
            return finish(.needsIngestionOrFailed, .spawnFailed(message), nowMs: nowMs)
        case .idle, .waitingForDependency, .readingState, .waitingForHolder, .ingesting, .verifying, .done:
            preconditionFailure("spawn failure outside an ingestion (phase \(phaseName))")
        }
    }

    mutating func childProgress(_ state: IngestionState?, nowMs: Int64) -> [Action] {
        switch phase {
        case .ingesting(var ingest, let history) where ingest.pid != nil && ingest.progressTimer == nil:
            var actions = setStatus(.ingesting(state), nowMs: nowMs)
            // While the child is being stopped there is no next progress read.
            if ingest.terminating == nil {
                let timer = makeTimer(configuration.heartbeatIntervalMs, .progress)
                ingest.progressTimer = timer
                actions.append(.scheduleTimer(timer))
            }
            phase = .ingesting(ingest, history)
            return actions
        case .readingState, .verifying, .waitingForHolder, .ingesting, .done:
            // A progress read that finished after its child did.
            return [log(.staleEventIgnored(.childProgress(state)))]
        case .idle, .waitingForDependency:
            preconditionFailure("progress before any ingestion (phase \(phaseName))")
        }
    }

    mutating func childExited(_ outcome: ChildExit, nowMs: Int64) -> [Action] {
        switch phase {
        case .ingesting(let ingest, let history) where ingest.pid != nil:
            return childExited(outcome, ingest: ingest, history: history, nowMs: nowMs)
        case .idle, .waitingForDependency, .readingState, .waitingForHolder, .ingesting, .verifying, .done:
            preconditionFailure("child exit without a child (phase \(phaseName))")
        }
    }

    mutating func verified(_ report: VerificationReport, nowMs: Int64) -> [Action] {
        switch phase {
        case .verifying(let context, let history) where !context.isPausing:
            return verified(report, context: context, history: history, nowMs: nowMs)
        case .idle, .waitingForDependency, .readingState, .waitingForHolder, .ingesting, .verifying, .done:
            preconditionFailure("verification report without a verification (phase \(phaseName))")
        }
    }

    mutating func verifyFailed(_ message: String, nowMs: Int64) -> [Action] {
        switch phase {
        case .verifying(let context, _) where !context.isPausing:
            return finish(.tryLater, .verifyError(message), nowMs: nowMs)
        case .idle, .waitingForDependency, .readingState, .waitingForHolder, .ingesting, .verifying, .done:
            preconditionFailure("verification error without a verification (phase \(phaseName))")
        }
    }

    mutating func terminationRequested(signal: Int32, nowMs: Int64) -> [Action] {
        switch phase {
        case .done:
            return []
        case .ingesting(var ingest, let history):
            let first = ingest.terminating == nil
            ingest.terminating = signal
            phase = .ingesting(ingest, history)
            var actions = [log(.forwardingSignal(signal, first: first))]
            if ingest.pid != nil { actions.append(.forwardSignal(signal)) }
            return actions
        case .idle, .waitingForDependency, .readingState, .waitingForHolder, .verifying:
            return finish(.tryLater, .terminated(signal: signal, phase: phaseName), nowMs: nowMs)
        }
    }
}

extension SupervisorStateMachine.VerifyContext {
    /// Between two checks of another runner's data: no verification in flight.
    var isPausing: Bool {
        if case .afterOthers(_, .some) = self { true } else { false }
    }
}
