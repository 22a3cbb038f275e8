import ESCOCore
import Foundation
import Testing

/// The pure RFC 3339 formatter and parser against Foundation's ISO 8601 formatter (the implementation the state
/// used before), over dates from 1970 to 2100 and the forms Weaviate writes back (Go's RFC3339Nano).
@Suite struct RFC3339Tests {
    static func foundation(_ ms: Int64) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }

    @Test func formatsLikeFoundation() {
        var generator = SplitMix64(seed: 3339)
        for _ in 0..<2_000 {
            let ms = Int64(generator.next() % 4_102_444_800_000)
            #expect(RFC3339.format(ms) == Self.foundation(ms))
        }
        #expect(RFC3339.format(0) == "1970-01-01T00:00:00.000Z")
        #expect(RFC3339.format(951_782_400_000) == "2000-02-29T00:00:00.000Z")
    }

    @Test func parsesWhatItFormats() {
        var generator = SplitMix64(seed: 7)
        for _ in 0..<2_000 {
            let ms = Int64(generator.next() % 4_102_444_800_000)
            #expect(RFC3339.parse(RFC3339.format(ms)) == ms)
        }
    }

    @Test func parsesGoForms() {
        #expect(RFC3339.parse("2026-12-02T02:05:22Z") == 1_796_177_122_000)
        #expect(RFC3339.parse("2026-12-02T02:05:22.1Z") == 1_796_177_122_100)
        #expect(RFC3339.parse("2026-12-02T02:05:22.123456789Z") == 1_796_177_122_123)
        #expect(RFC3339.parse("2026-12-02T03:05:22.5+01:00") == 1_796_177_122_500)
        #expect(RFC3339.parse("2026-12-02T01:05:22-01:00") == 1_796_177_122_000)
    }

    @Test func instantsKeepNanosecondsAndOrderAsGoDoes() throws {
        let a = try #require(RFC3339.parseInstant("2026-12-02T02:05:22.123456789Z"))
        let b = try #require(RFC3339.parseInstant("2026-12-02T03:05:22.12345679+01:00"))
        #expect(a.seconds == 1_796_177_122 && a.nanoseconds == 123_456_789)
        #expect(a < b && b.nanoseconds == 123_456_790)
        #expect(RFC3339.parseInstant("2026-12-02T23:59:60Z") == nil, "Go refuses leap seconds")
    }

    @Test func rejectsWhatIsNotATimestamp() {
        for text in [
            "", "2026-12-02", "2026-13-02T00:00:00Z", "2026-02-30T00:00:00Z", "2026-12-02T00:00:00",
            "2026-12-02T00:00:00.Z", "2026-12-02T24:00:00Z", "2026-12-02T00:00:00Zjunk",
        ] {
            #expect(RFC3339.parse(text) == nil, "\(text)")
        }
    }
}
