/// Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"):
/// sleep a uniform random time in [0, min(max, initial * 2^attempt)], so racing supervisors spread out.
public enum SupervisorBackoff {
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

/// SplitMix64: a tiny deterministic generator, so the pure state machine can jitter from a seed.
public struct SupervisorJitter: Sendable, Hashable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// Next value in [0, 1).
    public mutating func nextUnit() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(UInt64(1) << 53)
    }
}
