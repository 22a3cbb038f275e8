import ESCOCore

/// Exponential backoff with full jitter (`Backoff`, shared with the supervisor), for connection errors,
/// timeouts, 429 and 5xx; never for other 4xx.
///
/// Sleep and randomness are injectable so tests run instantly and deterministically.
public struct RetryPolicy: Sendable {
    /// Total attempts including the first (`retries + 1`).
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration
    public var sleep: @Sendable (Duration) async throws -> Void
    /// Returns a value in `0...1`; full jitter picks `random() * min(maxDelay, baseDelay * 2^retry)`.
    public var random: @Sendable () -> Double

    public init(
        retries: Int, baseDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(10),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0...1) }
    ) {
        self.maxAttempts = max(1, retries + 1)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.sleep = sleep
        self.random = random
    }

    /// The pause before retry number `retry` (0 for the first retry).
    public func delay(beforeRetry retry: Int, retryAfter: Duration? = nil) -> Duration {
        var d = Duration.milliseconds(
            Backoff.delayMs(
                attempt: retry, initialMs: baseDelay.wholeMilliseconds, maxMs: maxDelay.wholeMilliseconds,
                unit: random()))
        // A server's Retry-After (429/503) is a floor, still bounded by maxDelay.
        if let retryAfter { d = max(d, min(retryAfter, maxDelay)) }
        return d
    }

    /// Whether a transport failure may be retried. Requests that are not idempotent (reference appends) are
    /// retried only when nothing reached the server.
    public static func isRetryable(_ error: TransportError, idempotent: Bool) -> Bool {
        switch error.code {
        case .connectFailed: true
        case .connectionLost, .timeout: idempotent || !error.requestMayHaveBeenSent
        default: false
        }
    }

    /// Whether an HTTP status may be retried: 429 and 5xx (for non-idempotent requests only 429 and 503,
    /// which promise the request was not processed).
    public static func isRetryable(status: Int, idempotent: Bool) -> Bool {
        if status == 429 || status == 503 { return true }
        return idempotent && (500...599).contains(status)
    }
}
