/// The transitions of `SupervisorStateMachine`, called by its event methods once the phase is known to fit.
extension SupervisorStateMachine {
    mutating func beginDependency(_ index: Int, nowMs: Int64) -> [Action] {
        let dependency = configuration.dependencies[index]
        phase = .waitingForDependency(
            DependencyWait(index: index, sinceMs: nowMs, deadlineMs: nowMs + configuration.dependencyDeadlineMs)
        )
        return setStatus(.waitingForDependency(dependency), nowMs: nowMs) + [.probeDependency(name: dependency.name)]
    }

    mutating func dependencyReady(_ wait: DependencyWait, nowMs: Int64) -> [Action] {
        let ready = log(.dependencyReady(configuration.dependencies[wait.index], waitedMs: nowMs - wait.sinceMs))
        if wait.index + 1 < configuration.dependencies.count {
            return [ready] + beginDependency(wait.index + 1, nowMs: nowMs)
        }
        return [ready] + beginReadState(.initial, History(), nowMs: nowMs)
    }

    mutating func dependencyNotReady(_ wait: DependencyWait, nowMs: Int64) -> [Action] {
        let dependency = configuration.dependencies[wait.index]
        if nowMs >= wait.deadlineMs {
            return finish(.tryLater, .dependencyNotReady(dependency, waitedMs: nowMs - wait.sinceMs), nowMs: nowMs)
        }
        var next = wait
        var actions: [Action] = []
        if !wait.announced {
            actions.append(log(.dependencyWaiting(dependency)))
            next.announced = true
        } else {
            actions.append(log(.dependencyNotReady(dependency, attempt: wait.attempt)))
        }
        let delay = jitteredDelay(
            attempt: wait.attempt, initialMs: configuration.backoffInitialMs, maxMs: configuration.backoffMaxMs
        )
        next.attempt += 1
        let timer = makeTimer(min(delay, wait.deadlineMs - nowMs), .dependency(dependency.name))
        next.timer = timer
        phase = .waitingForDependency(next)
        return actions + [.scheduleTimer(timer)]
    }

    mutating func beginReadState(_ context: ReadContext, _ history: History, nowMs: Int64) -> [Action] {
        phase = .readingState(context, ReadRetry(), history)
        if configuration.mode == .run, case .initial = context {
            return setStatus(.readingState, nowMs: nowMs) + [.readState]
        }
        return [.readState]
    }

    mutating func stateReadFailed(
        _ message: String, context: ReadContext, retry: ReadRetry, history: History, nowMs: Int64
    ) -> [Action] {
        guard configuration.mode == .run else { return finish(.tryLater, .stateUnreadable(message), nowMs: nowMs) }
        let first = retry.firstFailureMs ?? nowMs
        if nowMs - first >= configuration.dependencyDeadlineMs {
            return finish(.tryLater, .stateUnreadableFor(ms: nowMs - first, message), nowMs: nowMs)
        }
        let delay = jitteredDelay(
            attempt: retry.attempt, initialMs: configuration.backoffInitialMs, maxMs: configuration.backoffMaxMs
        )
        let timer = makeTimer(min(delay, first + configuration.dependencyDeadlineMs - nowMs), .stateReadRetry)
        phase = .readingState(
            context, ReadRetry(firstFailureMs: first, attempt: retry.attempt + 1, timer: timer), history)
        return [log(.stateReadRetrying(error: message, first: retry.firstFailureMs == nil)), .scheduleTimer(timer)]
    }

    mutating func stateRead(
        _ state: IngestionState?, fingerprint: String?, context: ReadContext, history: History, nowMs: Int64
    ) -> [Action] {
        let derived = state?.derivedStatus(nowMs: nowMs, mountedFingerprint: fingerprint) ?? .notStarted
        if configuration.mode == .status {
            return finish(
                derived.exitCode, .stateSummary(state, derived, mountedFingerprint: fingerprint), nowMs: nowMs)
        }
        if case .afterChild(let outcome) = context {
            var worked = history
            worked.ingestRuns += 1
            if let state, state.leaseIsLive(nowMs: nowMs), state.holder != history.lastChildHolder {
                return beginHolderWait(state, previous: nil, worked, nowMs: nowMs)
            }
            if derived == .completed { return beginVerify(.afterOthers(attempt: 0, timer: nil), worked, nowMs: nowMs) }
            // A busy child did no work, so it does not count against `maxIngestRuns`.
            if outcome.ingestExit == .busy { return busyChild(state, history, nowMs: nowMs) }
            return finish(
                outcome.failureExitCode,
                .ingestionFailed(outcome, state, derived, mountedFingerprint: fingerprint), nowMs: nowMs)
        }
        var previous: HolderWait?
        if case .poll(let wait) = context { previous = wait }
        switch derived {
        case .completed:
            return beginVerify(previous == nil ? .warm : .afterOthers(attempt: 0, timer: nil), history, nowMs: nowMs)
        case .inProgress:
            return beginHolderWait(state ?? IngestionState(), previous: previous, history, nowMs: nowMs)
        case .stale:
            return [log(.leaseExpired(holder: state?.holder ?? ""))]
                + startIngest(force: false, history, nowMs: nowMs)
        case .outdated:
            return [log(.dataOutdated(stored: state?.fingerprint ?? "", mounted: fingerprint ?? ""))]
                + startIngest(force: true, history, nowMs: nowMs)
        case .notStarted, .failed:
            return startIngest(force: false, history, nowMs: nowMs)
        }
    }

    mutating func beginHolderWait(
        _ state: IngestionState, previous: HolderWait?, _ history: History, nowMs: Int64
    ) -> [Action] {
        var wait =
            previous
            ?? HolderWait(holder: state.holder, sinceMs: nowMs, deadlineMs: nowMs + configuration.waitDeadlineMs)
        var actions: [Action] = []
        if previous == nil || previous?.holder != state.holder {
            wait.holder = state.holder
            actions.append(log(.holderWaitStarted(state)))
        } else {
            actions.append(log(.holderStillIngesting(state)))
        }
        if nowMs >= wait.deadlineMs {
            let reason = ExitReason.holderStillIngesting(holder: state.holder, forMs: nowMs - wait.sinceMs)
            return actions + finish(.tryLater, reason, nowMs: nowMs)
        }
        actions += setStatus(.waitingForHolder(state), nowMs: nowMs)
        let delay = jitteredDelay(
            attempt: wait.attempt, initialMs: configuration.pollInitialMs, maxMs: configuration.pollMaxMs
        )
        // Wake just after the lease would expire, to take over a dead holder promptly.
        let untilExpiry = max(1, state.leaseExpiresAtMs - nowMs + 1)
        let timer = makeTimer(min(delay, wait.deadlineMs - nowMs, untilExpiry), .holder(state.holder))
        wait.attempt += 1
        wait.timer = timer
        phase = .waitingForHolder(wait, history)
        return actions + [.scheduleTimer(timer)]
    }

    /// The child found the lock taken (another process holds the OS file lock, or won the claim) but the
    /// state shows no live lease yet: the winner has not recorded its claim. Poll like any waiter instead of
    /// exiting 1 while it ingests.
    mutating func busyChild(_ state: IngestionState?, _ history: History, nowMs: Int64) -> [Action] {
        var history = history
        let since = history.busySinceMs ?? nowMs
        history.busySinceMs = since
        if nowMs - since >= configuration.waitDeadlineMs {
            return finish(.tryLater, .lockHeldWithoutLease(forMs: nowMs - since), nowMs: nowMs)
        }
        let holder = state?.holder ?? ""
        let delay = jitteredDelay(attempt: 0, initialMs: configuration.pollInitialMs, maxMs: configuration.pollMaxMs)
        let timer = makeTimer(delay, .holder(holder))
        phase = .waitingForHolder(
            HolderWait(holder: holder, sinceMs: nowMs, deadlineMs: since + configuration.waitDeadlineMs, timer: timer),
            history)
        return [log(.lockHeldWithoutLease)] + setStatus(.waitingForLock, nowMs: nowMs) + [.scheduleTimer(timer)]
    }

    mutating func startIngest(force: Bool, _ history: History, nowMs: Int64) -> [Action] {
        guard history.ingestRuns < configuration.maxIngestRuns else {
            return finish(.needsIngestionOrFailed, .ingestRunsExhausted(history.ingestRuns), nowMs: nowMs)
        }
        phase = .ingesting(Ingest(), history)
        return [log(.ingestionStarting(force: force, run: history.ingestRuns + 1))]
            + setStatus(.ingesting(nil), nowMs: nowMs) + [.spawnIngest(force: force)]
    }

    mutating func childExited(_ outcome: ChildExit, ingest: Ingest, history: History, nowMs: Int64) -> [Action] {
        if outcome == .exited(IngestExit.ready.code.rawValue) {
            var worked = history
            worked.ingestRuns += 1
            return [log(.ingestionFinished)] + beginVerify(.afterIngest, worked, nowMs: nowMs)
        }
        if let signal = ingest.terminating {
            return finish(outcome.failureExitCode, .interrupted(signal: signal, outcome), nowMs: nowMs)
        }
        return [log(.ingestionFailed(outcome))] + beginReadState(.afterChild(outcome), history, nowMs: nowMs)
    }

    mutating func beginVerify(_ context: VerifyContext, _ history: History, nowMs: Int64) -> [Action] {
        phase = .verifying(context, history)
        return setStatus(.verifying, nowMs: nowMs) + [.runVerify]
    }

    /// How often data another runner just completed is checked again before it is rebuilt.
    static let recheckAttempts = 5

    mutating func verified(
        _ report: VerificationReport, context: VerifyContext, history: History, nowMs: Int64
    ) -> [Action] {
        switch (context, report.ok) {
        case (.standalone, true):
            return finish(.ready, .verified, nowMs: nowMs)
        case (.standalone, false), (.afterIngest, false):
            return finish(.needsIngestionOrFailed, .verificationFailed(report), nowMs: nowMs)
        case (.afterOthers(let attempt, _), false) where attempt < Self.recheckAttempts:
            return recheck(report, attempt: attempt, history)
        case (.warm, false), (.afterOthers, false):
            return [log(.verificationFailedReingesting(report))] + startIngest(force: true, history, nowMs: nowMs)
        case (.warm, true), (.afterIngest, true), (.afterOthers, true):
            let verifiedLog = log(.verified(checks: report.checks.count))
            phase = .done(.ready)
            return [
                verifiedLog, .notify(.ready, extendTimeoutUsec: nil), .exit(.ready, .dataReady(warm: context == .warm)),
            ]
        }
    }

    /// Data another runner just completed failed a check. On a replicated Weaviate a replica may not hold the last
    /// writes yet (writes are acknowledged by a quorum, counts are read from one replica), so check again with a
    /// growing delay before deciding the data is wrong and rebuilding it.
    mutating func recheck(_ report: VerificationReport, attempt: Int, _ history: History) -> [Action] {
        let delay = min(configuration.pollInitialMs << Int64(attempt), max(configuration.pollMaxMs, 1))
        let timer = makeTimer(delay, .recheck)
        phase = .verifying(.afterOthers(attempt: attempt + 1, timer: timer), history)
        return [log(.verificationRecheck(report, attempt: attempt + 1)), .scheduleTimer(timer)]
    }

    mutating func finish(_ code: ESCOExit, _ reason: ExitReason, nowMs: Int64) -> [Action] {
        var actions = [log(.exiting(code, reason))]
        phase = .done(code)
        if configuration.mode == .run {
            actions.append(.notify(.exiting(code, reason), extendTimeoutUsec: nil))
        }
        actions.append(.exit(code, reason))
        return actions
    }
}
