import ESCOCore
import ESCOSystem
import Foundation
public import Logging

#if canImport(Glibc)
    import Glibc
    private let systemWrite = Glibc.write
#elseif canImport(Darwin)
    import Darwin
    private let systemWrite = Darwin.write
#endif

/// One line per event on stderr, for people (`human`) or log collectors (`json`).
///
/// Human: `2026-11-29T01:02:03.456Z info  phase=wait-dependencies dependency=weaviate url=http://… waiting`
/// (metadata first, `phase` leading, so columns line up by phase). JSON: one object per line.
public struct SupervisorLogHandler: LogHandler {
    /// Output format, chosen with `--log-format`.
    public enum Format: String, Sendable, CaseIterable {
        case human, json
    }

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public var metadataProvider: Logger.MetadataProvider?

    let format: Format
    let write: @Sendable (String) -> Void
    let now: @Sendable () -> Int64

    /// - Parameters:
    ///   - write: receives each line without its newline; defaults to stderr.
    ///   - now: milliseconds since the epoch for timestamps (tests inject a fixed one).
    public init(
        format: Format, logLevel: Logger.Level = .info,
        write: @escaping @Sendable (String) -> Void = SupervisorLogHandler.writeToStandardError,
        now: @escaping @Sendable () -> Int64 = SupervisorLogHandler.epochMilliseconds
    ) {
        self.format = format
        self.logLevel = logLevel
        self.write = write
        self.now = now
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let fields = Self.ordered(merged)
        let timestamp = Self.timestamp(now())
        switch format {
        case .human:
            let level = event.level.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0)
            let pairs = fields.map { "\($0.key)=\(Self.quoted($0.value))" }
            write(([timestamp, level] + pairs + [event.message.description]).joined(separator: " "))
        case .json:
            var object = "{\"ts\":\(Self.json(timestamp)),\"level\":\(Self.json(event.level.rawValue))"
            object += ",\"message\":\(Self.json(event.message.description))"
            for field in fields { object += ",\(Self.json(field.key)):\(Self.json(field.value))" }
            write(object + "}")
        }
    }

    /// `phase` first, then the rest by name, so lines are stable and diffable.
    static func ordered(_ metadata: Logger.Metadata) -> [(key: String, value: String)] {
        metadata.map { (key: $0.key, value: "\($0.value)") }.sorted {
            ($0.key == "phase" ? 0 : 1, $0.key) < ($1.key == "phase" ? 0 : 1, $1.key)
        }
    }

    /// Values with spaces, quotes or `=` are quoted so a line stays splittable.
    static func quoted(_ value: String) -> String {
        guard value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline })
        else { return value }
        return json(value)
    }

    /// A JSON string literal (the core's codec: one escaping routine for the whole project).
    static func json(_ string: String) -> String {
        var out: [UInt8] = []
        JSONCodec.writeString(string, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    public static func epochMilliseconds() -> Int64 { WallClock.nowMs() }

    /// RFC 3339 UTC with milliseconds.
    static func timestamp(_ ms: Int64) -> String { RFC3339.format(ms) }

    /// Writes one line to stderr in a single `write(2)`, so concurrent lines do not interleave.
    public static let writeToStandardError: @Sendable (String) -> Void = { line in
        let bytes = Array((line + "\n").utf8)
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = systemWrite(2, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { if errno == EINTR { continue } else { return } }
                offset += written
            }
        }
    }
}
