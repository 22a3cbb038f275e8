import ESCOSystem

/// Time as the supervisor sees it: the wall clock for lease expiry, and sleeping for its timers. Tests pass a
/// simulated clock to run an hour of polling in a moment.
public protocol SupervisorClock: Sendable {
    /// Milliseconds since the Unix epoch (leases expire in wall-clock time).
    func nowMs() -> Int64
    /// Suspends for `duration`; throws `CancellationError` when cancelled.
    func sleep(for duration: Duration) async throws
}

/// The real clock: `WallClock` for the epoch, `Task.sleep` (the continuous clock) for waits.
public struct SystemClock: SupervisorClock {
    public init() {}

    public func nowMs() -> Int64 { WallClock.nowMs() }

    public func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
}
