#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// This host's name as `gethostname(2)` reports it. The one implementation: `esco ingest` writes it into the
/// lease holder and `esco-supervise` compares it with its own to recognise its child's lease, so the two must
/// never disagree (Foundation's `ProcessInfo.hostName` may resolve a different, fully qualified name).
public enum HostIdentity {
    public static func name() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
