#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The wall clock in whole milliseconds since the Unix epoch: the one reading every timestamp of the project
/// comes from (the state's lease and heartbeat, log lines, readiness, the stand-ins' creation times).
///
/// Rounding: truncated (floored) to the millisecond, never rounded up, so a timestamp never names a moment
/// that has not happened yet and two readings in one millisecond agree.
public enum WallClock {
    public static func nowMs() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }
}
