/// Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"):
/// sleep a uniform random time in [0, min(max, initial * 2^attempt)], so racing clients spread out. The one
/// backoff of the project: the supervisor's probes and polls and the HTTP clients' retries use it.
public enum Backoff {
    /// The ceiling for `attempt` (0-based), without overflow.
    public static func ceilingMs(attempt: Int, initialMs: Int64, maxMs: Int64) -> Int64 {
        let initial = max(1, initialMs)
        var ceiling = initial
        var step = 0
        while step < attempt && ceiling < maxMs {
            ceiling = ceiling > maxMs / 2 ? maxMs : ceiling * 2
            step += 1
        }
        return min(ceiling, max(initial, maxMs))
    }

    /// Full jitter: `unit` in [0, 1) scales the ceiling; never less than 1 ms so a loop never spins.
    public static func delayMs(attempt: Int, initialMs: Int64, maxMs: Int64, unit: Double) -> Int64 {
        let ceiling = ceilingMs(attempt: attempt, initialMs: initialMs, maxMs: maxMs)
        let clamped = min(max(unit, 0), 1)
        return max(1, min(ceiling, Int64((Double(ceiling) * clamped).rounded(.down))))
    }
}

/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny deterministic generator, reproducible across platforms
/// (unlike `SystemRandomNumberGenerator`), so the pure state machine jitters from a seed and the stand-ins'
/// fault injection replays from one.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Next value in [0, 1).
    public mutating func nextUnit() -> Double { Double(next() >> 11) / Double(UInt64(1) << 53) }
}

/// The names the supervisor's state machine used before the backoff and the generator were shared.
public typealias SupervisorBackoff = Backoff
public typealias SupervisorJitter = SplitMix64
