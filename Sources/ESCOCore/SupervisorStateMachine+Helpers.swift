/// Small helpers of `SupervisorStateMachine`: logging, status lines, heartbeats, jitter, summaries.
extension SupervisorStateMachine {
    /// `EXTEND_TIMEOUT_USEC` sent with each heartbeat: three intervals, so one late heartbeat is harmless.
    public var extendTimeoutUsec: UInt64 { UInt64(max(0, configuration.heartbeatIntervalMs)) * 3 * 1_000 }

    func log(_ level: LogLevel, _ message: String, _ fields: [String: String]) -> Action {
        .log(level, message, metadata: fields.merging(["phase": phaseName]) { $1 })
    }

    /// A new `STATUS=` line (run mode only), which doubles as a heartbeat.
    mutating func setStatus(_ text: String, nowMs: Int64) -> [Action] {
        guard configuration.mode == .run else { return [] }
        currentStatus = String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        lastHeartbeatMs = nowMs
        return [.notify(status: currentStatus, ready: false, extendTimeoutUsec: extendTimeoutUsec)]
    }

    /// Repeats the current status with an extension when a heartbeat interval has passed.
    mutating func heartbeatIfDue(nowMs: Int64) -> [Action] {
        guard configuration.mode == .run, nowMs - lastHeartbeatMs >= configuration.heartbeatIntervalMs else {
            return []
        }
        return setStatus(currentStatus, nowMs: nowMs)
    }

    mutating func jitteredDelay(attempt: Int, initialMs: Int64, maxMs: Int64) -> Int64 {
        SupervisorBackoff.delayMs(attempt: attempt, initialMs: initialMs, maxMs: maxMs, unit: jitter.nextUnit())
    }

    /// True when `holder` (`host:pid`) is the child this machine started.
    func isOurs(_ holder: String) -> Bool {
        lastChildHolder == holder
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
        let progress = progressText(state).map { ", step \($0)" } ?? ""
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

    /// The child found the lock taken (another process holds the OS file lock, or won the claim) but the
    /// state shows no live lease yet: the winner has not recorded its claim. Poll like any waiter instead of
    /// exiting 1 while it ingests; a busy child did no work, so it does not count against `maxIngestRuns`.
    mutating func busyChild(_ state: IngestionState?, nowMs: Int64) -> [Action] {
        ingestRuns -= 1
        let since = busySinceMs ?? nowMs
        busySinceMs = since
        if nowMs - since >= configuration.waitDeadlineMs {
            return finish(
                .tryLater,
                "the ingestion lock was held by another runner for \(Self.seconds(nowMs - since)) without a recorded"
                    + " lease: try later",
                nowMs: nowMs
            )
        }
        let holder = state?.holder ?? ""
        phase = .waitingForHolder(
            HolderWait(holder: holder, sinceMs: nowMs, deadlineMs: since + configuration.waitDeadlineMs)
        )
        let delay = jitteredDelay(attempt: 0, initialMs: configuration.pollInitialMs, maxMs: configuration.pollMaxMs)
        return [log(.info, "ingestion lock held by another runner, waiting for its state", [:])]
            + setStatus("waiting for the ingestion lock held by another runner", nowMs: nowMs)
            + [.sleep(ms: max(1, delay), reason: .holder(holder))]
    }

    /// How often data another runner just completed is checked again before it is rebuilt.
    static let recheckAttempts = 5

    /// Data another runner just completed failed a check. On a replicated Weaviate a replica may not hold the last
    /// writes yet (writes are acknowledged by a quorum, counts are read from one replica), so check again with a
    /// growing delay before deciding the data is wrong and rebuilding it.
    mutating func recheck(_ report: VerificationReport, attempt: Int) -> [Action] {
        phase = .verifying(.afterOthers(attempt: attempt + 1))
        let delay = min(configuration.pollInitialMs << Int64(attempt), max(configuration.pollMaxMs, 1))
        return [
            log(.warning, "verification failed, checking again", [
                "failed": report.failureSummary, "attempt": "\(attempt + 1)/\(Self.recheckAttempts)",
            ]),
            .sleep(ms: max(1, delay), reason: .recheck),
        ]
    }
}
