import ESCOCore
import ESCOSupervisor
import Foundation
import Logging
import Synchronization
import UnixSignals

extension Supervisor {
    /// A run no signal reaches (the signal tests pass their own stream).
    func run() async -> Outcome {
        await run(terminationSignals: AsyncStream<UnixSignal>.makeStream().stream)
    }
}

/// A readiness probe that turns ready after `readyAfter` failed attempts (nil: never).
final class InMemoryProbe: DependencyProbe {
    let name: String
    let url: String
    let readyAfter: Int?
    private let attempts = Mutex(0)

    init(name: String, url: String = "http://127.0.0.1:1/ready", readyAfter: Int? = 0) {
        self.name = name
        self.url = url
        self.readyAfter = readyAfter
    }

    var attemptCount: Int { attempts.withLock { $0 } }

    func isReady() async -> Bool {
        let attempt = attempts.withLock { count -> Int in
            defer { count += 1 }
            return count
        }
        guard let readyAfter else { return false }
        return attempt >= readyAfter
    }
}

/// Returns scripted states in order (the last one repeats), or a state computed from the wall clock.
final class InMemoryStateReader: IngestionStateReading {
    private let script: Mutex<[IngestionState?]>
    private let reads = Mutex(0)

    init(_ states: [IngestionState?]) { script = Mutex(states) }

    var readCount: Int { reads.withLock { $0 } }

    /// Replaces what later reads return (e.g. the child "completed" the ingestion).
    func set(_ states: [IngestionState?]) { script.withLock { $0 = states } }

    func readState() async throws -> IngestionState? {
        reads.withLock { $0 += 1 }
        return script.withLock { states in states.count > 1 ? states.removeFirst() : (states.first ?? nil) }
    }
}

struct FailingStateReader: IngestionStateReading {
    struct Unreachable: Error, CustomStringConvertible {
        var description: String { "GET http://127.0.0.1:1/v1/objects: connection refused" }
    }

    func readState() async throws -> IngestionState? { throw Unreachable() }
}

struct InMemoryFingerprinter: MountedDataFingerprinting {
    var value = "fp-1"
    func fingerprint() throws -> String { value }
}

/// Returns a fixed report and counts the calls.
final class RecordingVerifier: Verifying {
    let report: VerificationReport
    private let calls = Mutex(0)

    init(ok: Bool = true) {
        report = VerificationReport(checks: [
            .init(name: "status", ok: true, detail: "completed"),
            .init(name: "counts.Skill", ok: ok, detail: ok ? "5 of 5" : "3 of 5"),
        ])
    }

    var callCount: Int { calls.withLock { $0 } }

    func verify() async throws -> VerificationReport {
        calls.withLock { $0 += 1 }
        return report
    }
}

struct RecordingNotifier: SupervisorNotifying {
    let messages = Messages()

    final class Messages: Sendable {
        let storage = Mutex<[String]>([])
        var all: [String] { storage.withLock { $0 } }
    }

    func notify(status: String, ready: Bool, extendTimeoutUsec: UInt64?) {
        let message = SystemdNotifier.message(status: status, ready: ready, extendTimeoutUsec: extendTimeoutUsec)
        messages.storage.withLock { $0.append(message) }
    }
}

/// Log lines as `SupervisorLogHandler` formats them, captured in memory.
final class RecordingLog: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    func logger(level: Logger.Level = .info) -> Logger {
        Logger(label: "esco-supervise") { _ in
            SupervisorLogHandler(
                format: .human, logLevel: level, write: { line in self.lines.withLock { $0.append(line) } })
        }
    }
}
