/// Small helpers of `SupervisorStateMachine`: log actions, status heartbeats, timers, jitter.
extension SupervisorStateMachine {
    /// `EXTEND_TIMEOUT_USEC` sent with each heartbeat: three intervals, so one late heartbeat is harmless.
    public var extendTimeoutUsec: UInt64 { UInt64(max(0, configuration.heartbeatIntervalMs)) * 3 * 1_000 }

    func log(_ event: LogEvent) -> Action {
        .log(event, phase: phaseName)
    }

    /// A new `STATUS=` (run mode only), which doubles as a heartbeat.
    mutating func setStatus(_ status: Status, nowMs: Int64) -> [Action] {
        guard configuration.mode == .run else { return [] }
        reported = status
        lastHeartbeatMs = nowMs
        return [.notify(status, extendTimeoutUsec: extendTimeoutUsec)]
    }

    /// Repeats the current status with an extension when a heartbeat interval has passed.
    mutating func heartbeatIfDue(nowMs: Int64) -> [Action] {
        guard configuration.mode == .run, nowMs - lastHeartbeatMs >= configuration.heartbeatIntervalMs else {
            return []
        }
        return setStatus(reported, nowMs: nowMs)
    }

    /// A fresh timer (never shorter than 1 ms, so a loop never spins); the caller arms it in the phase.
    mutating func makeTimer(_ delayMs: Int64, _ reason: SleepReason) -> Timer {
        nextTimerID += 1
        return Timer(id: nextTimerID, delayMs: max(1, delayMs), reason: reason)
    }

    mutating func jitteredDelay(attempt: Int, initialMs: Int64, maxMs: Int64) -> Int64 {
        SupervisorBackoff.delayMs(attempt: attempt, initialMs: initialMs, maxMs: maxMs, unit: jitter.nextUnit())
    }
}
