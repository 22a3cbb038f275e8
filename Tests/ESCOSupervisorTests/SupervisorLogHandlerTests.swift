import Foundation
import Logging
import Synchronization
import Testing

@testable import ESCOSupervisor

@Suite struct SupervisorLogHandlerTests {
    final class Lines: Sendable {
        let storage = Mutex<[String]>([])
        var all: [String] { storage.withLock { $0 } }
    }

    static func logger(_ format: SupervisorLogHandler.Format, _ lines: Lines) -> Logger {
        Logger(label: "t") { _ in
            // 2026-11-29T01:02:03.456Z
            SupervisorLogHandler(
                format: format, write: { line in lines.storage.withLock { $0.append(line) } },
                now: { 1_795_914_123_456 })
        }
    }

    @Test func humanLinePutsPhaseFirstAndTheMessageLast() {
        let lines = Lines()
        Self.logger(.human, lines).info(
            "waiting",
            metadata: ["url": "http://weaviate:8080", "dependency": "weaviate", "phase": "wait-dependencies"])
        #expect(
            lines.all == [
                "2026-11-29T01:02:03.456Z info  phase=wait-dependencies dependency=weaviate url=http://weaviate:8080 waiting"
            ])
    }

    @Test func humanValuesWithSpacesAreQuoted() {
        let lines = Lines()
        Self.logger(.human, lines).warning("exiting", metadata: ["reason": "a b"])
        #expect(lines.all.first?.hasSuffix("reason=\"a b\" exiting") == true)
    }

    @Test func jsonIsOneParsableObjectPerLine() throws {
        let lines = Lines()
        Self.logger(.json, lines).error("exiting", metadata: ["phase": "ingest", "reason": "quote \" and\nnewline"])
        let object = try JSONSerialization.jsonObject(with: Data(lines.all[0].utf8)) as? [String: String]
        #expect(
            object == [
                "ts": "2026-11-29T01:02:03.456Z", "level": "error", "message": "exiting", "phase": "ingest",
                "reason": "quote \" and\nnewline",
            ])
    }

    @Test func debugIsFilteredAtInfo() {
        let lines = Lines()
        Self.logger(.human, lines).debug("noise")
        #expect(lines.all.isEmpty)
    }
}
