import Foundation
import Logging

/// Where an ingestion's memory goes, per step (Linux; zeros elsewhere): resident now, the process's peak so far,
/// and how much of it is heap (anonymous memory). Logged with each step, so the step that raised the peak is
/// the one after which `peakMiB` grew (`scripts/bench-ingest` prints the table). The peak is never reset: it
/// is also what the parent's getrusage reports.
public struct MemoryUsage: Sendable, Equatable {
    /// VmRSS.
    var residentKiB = 0
    /// VmHWM: the peak resident set since the process started.
    var peakKiB = 0
    /// RssAnon: the part of VmRSS that is heap and stacks (the rest is mapped files: the binary, libraries).
    var anonymousKiB = 0

    static func current() -> MemoryUsage {
        var usage = MemoryUsage()
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) {
            for line in status.split(separator: "\n") {
                if line.hasPrefix("VmRSS:") { usage.residentKiB = kibibytes(line) }
                if line.hasPrefix("VmHWM:") { usage.peakKiB = kibibytes(line) }
                if line.hasPrefix("RssAnon:") { usage.anonymousKiB = kibibytes(line) }
            }
        }
        return usage
    }

    private static func kibibytes(_ line: Substring) -> Int {
        Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
    }

    /// Log metadata in MiB.
    var metadata: Logger.Metadata {
        ["rssMiB": "\(residentKiB / 1024)", "peakMiB": "\(peakKiB / 1024)", "anonMiB": "\(anonymousKiB / 1024)"]
    }
}

#if canImport(Glibc)
    @_silgen_name("mallopt") private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif

extension MemoryUsage {
    /// glibc gives every thread that allocates its own heap arena (up to 8 per core), and the ingestion's HTTP
    /// threads each keep the freed request and response buffers of their arena mapped: resident memory then
    /// grows with the number of threads, not with what is live. Two arenas keep freed memory reusable across
    /// threads. A fixed mmap threshold makes every buffer of 256 KiB or more (batch request and response bodies,
    /// megabytes each) its own mapping, returned to the system when freed: by default glibc raises the threshold
    /// to the largest buffer freed so far, and the bodies then stay in the arenas as resident memory.
    /// Call once, before the threads start (a process-wide setting: the `esco ingest` executable).
    public static func limitAllocatorArenas() {
        #if canImport(Glibc)
            _ = glibcMallopt(-8, 2)  // M_ARENA_MAX
            _ = glibcMallopt(-3, 256 * 1024)  // M_MMAP_THRESHOLD (setting it also stops the dynamic raise)
        #endif
    }
}
