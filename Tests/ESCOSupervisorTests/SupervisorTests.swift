import ESCOCore
import ESCOSupervisor
import Foundation
import TestSupport
import Testing
import UnixSignals

#if canImport(Glibc)
    import Glibc
#endif

/// The I/O loop with protocol fakes, a real child process and (for the cold path) a real notify socket.
/// Serialized: it sets NOTIFY_SOCKET and spawns processes.
@Suite(.serialized) struct SupervisorTests {
    let directory: String
    let log = RecordingLog()

    init() throws { directory = try makeSupervisorTempDirectory() }

    static let fastSettings = SupervisorSettings(
        dependencyDeadline: .milliseconds(300), waitDeadline: .seconds(5), pollInterval: .milliseconds(20),
        pollMaxInterval: .milliseconds(50), backoffInitial: .milliseconds(10), backoffMax: .milliseconds(40),
        terminationGrace: .seconds(2), leaseTTL: .seconds(60), heartbeatInterval: .seconds(10)
    )

    static func completed(_ fingerprint: String = "fp-1") -> IngestionState {
        IngestionState(status: .completed, runId: "r1", holder: "other:1", fingerprint: fingerprint)
    }

    static func live(expiresAtMs: Int64) -> IngestionState {
        IngestionState(
            status: .inProgress, runId: "r2", holder: "other:7", leaseExpiresAtMs: expiresAtMs,
            step: "skills", stepIndex: 5, stepCount: 12, itemsDone: 1200, itemsTotal: 13896,
            fingerprint: "fp-1")
    }

    func script(_ body: String) throws -> ArgvIngestLauncher {
        let path = try writeSupervisorScript(body, named: "ingest-\(UUID().uuidString).sh", in: directory)
        // /bin/sh reads the script: exec'ing a file just written can fail with ETXTBSY under --parallel.
        return ArgvIngestLauncher(arguments: ["/bin/sh", path], environment: ["PATH": "/usr/bin:/bin"])
    }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: directory + "/" + name) }

    func supervisor(
        mode: Supervisor.Mode = .run, probes: [InMemoryProbe] = [InMemoryProbe(name: "weaviate")],
        reader: any IngestionStateReading, verifier: RecordingVerifier = RecordingVerifier(),
        launcher: any IngestLauncher, notifier: any SupervisorNotifying = RecordingNotifier(),
        settings: SupervisorSettings = fastSettings
    ) -> Supervisor {
        Supervisor(
            mode: mode,
            dependencies: SupervisorDependencies(
                probes: probes, stateReader: reader, fingerprinter: InMemoryFingerprinter(), verifier: verifier,
                launcher: launcher, settings: settings
            ),
            logger: log.logger(), notifier: notifier, hostname: "host-a", random: { 7 }
        )
    }

    @Test func coldPathIngestsVerifiesAndSendsReadyAfterStatus() async throws {
        let launcher = try script("echo > \(directory)/ingested; exit 0")
        let verifier = RecordingVerifier()
        let (outcome, datagrams) = try await withNotifySocket { socket in
            let outcome = await supervisor(
                reader: InMemoryStateReader([nil]), verifier: verifier,
                launcher: launcher, notifier: SystemdNotifier()
            ).run()
            return (outcome, socket.drain())
        }
        #expect(outcome.exit == .ready && exists("ingested") && verifier.callCount == 1)
        #expect(
            datagrams == [
                "STATUS=waiting for weaviate at http://127.0.0.1:1/ready\nEXTEND_TIMEOUT_USEC=30000000",
                "STATUS=reading ingestion state\nEXTEND_TIMEOUT_USEC=30000000",
                "STATUS=ingesting\nEXTEND_TIMEOUT_USEC=30000000",
                "STATUS=verifying\nEXTEND_TIMEOUT_USEC=30000000",
                "STATUS=ready: data verified\nREADY=1",
            ])
    }

    @Test func warmPathVerifiesWithoutSpawning() async throws {
        let launcher = try script("echo > \(directory)/ingested")
        let outcome = await supervisor(reader: InMemoryStateReader([Self.completed()]), launcher: launcher).run()
        #expect(outcome.exit == .ready && !exists("ingested"))
    }

    @Test func failedVerifyAfterIngestExitsTwoWithoutReady() async throws {
        let notifier = RecordingNotifier()
        let outcome = await supervisor(
            reader: InMemoryStateReader([nil]), verifier: RecordingVerifier(ok: false),
            launcher: try script("exit 0"), notifier: notifier
        ).run()
        #expect(outcome.exit == .needsIngestionOrFailed && !notifier.messages.all.contains { $0.contains("READY=1") })
    }

    @Test func liveLeaseElsewhereWaitsThenVerifiesWhenCompleted() async throws {
        let far = Supervisor.epochMilliseconds() + 60_000
        let reader = InMemoryStateReader([Self.live(expiresAtMs: far), Self.live(expiresAtMs: far), Self.completed()])
        let launcher = try script("echo > \(directory)/ingested")
        let outcome = await supervisor(reader: reader, launcher: launcher).run()
        #expect(outcome.exit == .ready && reader.readCount == 3 && !exists("ingested"))
    }

    @Test func expiredLeaseIsTakenOver() async throws {
        let soon = Supervisor.epochMilliseconds() + 150
        let reader = InMemoryStateReader([Self.live(expiresAtMs: soon)])
        let outcome = await supervisor(reader: reader, launcher: try script("echo > \(directory)/ingested")).run()
        #expect(outcome.exit == .ready && exists("ingested"))
    }

    @Test func waitDeadlineExitsOne() async throws {
        var settings = Self.fastSettings
        settings.waitDeadline = .milliseconds(100)
        let reader = InMemoryStateReader([Self.live(expiresAtMs: Supervisor.epochMilliseconds() + 60_000)])
        let outcome = await supervisor(reader: reader, launcher: try script("exit 0"), settings: settings).run()
        #expect(outcome.exit == .tryLater)
    }

    @Test func dependencyNeverReadyExitsOneNamingItAndItsURL() async throws {
        let probe = InMemoryProbe(name: "vectorizer", url: "http://t2v.invalid:8080/.well-known/ready", readyAfter: nil)
        let outcome = await supervisor(
            probes: [probe], reader: InMemoryStateReader([nil]), launcher: try script("exit 0")
        ).run()
        #expect(
            outcome.exit == .tryLater
                && outcome.reason.hasPrefix("vectorizer at http://t2v.invalid:8080/.well-known/ready was not ready"))
    }

    @Test func dependencyWaitLogsOneLinePerStateChange() async throws {
        let probe = InMemoryProbe(name: "weaviate", readyAfter: 4)
        // A deadline far beyond the ~100 ms the five probes need, so a loaded machine cannot cut the wait short.
        var settings = Self.fastSettings
        settings.dependencyDeadline = .seconds(30)
        _ = await supervisor(
            probes: [probe], reader: InMemoryStateReader([Self.completed()]), launcher: try script("exit 0"),
            settings: settings
        ).run()
        let lines = log.all.filter { $0.contains("dependency=weaviate") }
        #expect(
            probe.attemptCount == 5 && lines.count == 2
                && lines[0].hasSuffix(" waiting") && lines[1].contains(" ready"))
    }

    @Test func childFailureExitsTwo() async throws {
        let outcome = await supervisor(reader: InMemoryStateReader([nil]), launcher: try script("exit 5")).run()
        #expect(outcome.exit == .needsIngestionOrFailed && outcome.reason.hasPrefix("ingestion exited with status 5"))
    }

    @Test func missingIngestProgramExitsTwo() async throws {
        let launcher = ArgvIngestLauncher(arguments: [directory + "/no-such-esco", "ingest"], environment: [:])
        let outcome = await supervisor(reader: InMemoryStateReader([nil]), launcher: launcher).run()
        #expect(outcome.exit == .needsIngestionOrFailed && outcome.reason.contains("no-such-esco"))
    }

    @Test func terminationDuringIngestionReachesTheChildAndIsNotZero() async throws {
        let launcher = try script(
            "trap 'echo > \(directory)/got-term; exit 143' TERM\necho > \(directory)/started\nsleep 10 & wait"
        )
        let supervisor = supervisor(reader: InMemoryStateReader([nil]), launcher: launcher)
        let (signals, sender) = AsyncStream.makeStream(of: UnixSignal.self)
        async let outcome = supervisor.run(terminationSignals: signals)
        #expect(await waitUntil { exists("started") })
        sender.yield(.sigterm)
        let result = await outcome
        #expect(result.exit != .ready && exists("got-term"))
    }

    @Test func terminationWhileWaitingExitsOne() async throws {
        let probe = InMemoryProbe(name: "weaviate", readyAfter: nil)
        var settings = Self.fastSettings
        settings.dependencyDeadline = .seconds(30)
        let supervisor = supervisor(
            probes: [probe], reader: InMemoryStateReader([nil]), launcher: try script("exit 0"),
            settings: settings)
        let (signals, sender) = AsyncStream.makeStream(of: UnixSignal.self)
        async let outcome = supervisor.run(terminationSignals: signals)
        #expect(await waitUntil { probe.attemptCount >= 2 })
        sender.yield(.sigint)
        #expect(await outcome.exit == .tryLater)
    }

    @Test func statusModeReadsOnceWithoutSpawningOrVerifying() async throws {
        let verifier = RecordingVerifier()
        let reader = InMemoryStateReader([Self.live(expiresAtMs: Supervisor.epochMilliseconds() + 60_000)])
        let outcome = await supervisor(
            mode: .status, reader: reader, verifier: verifier, launcher: try script("exit 0")
        ).run()
        #expect(outcome.exit == .tryLater && reader.readCount == 1 && verifier.callCount == 0)
    }

    @Test func statusModeOutdatedIsTwo() async throws {
        let outcome = await supervisor(
            mode: .status, reader: InMemoryStateReader([Self.completed("old")]),
            launcher: try script("exit 0")
        ).run()
        #expect(outcome.exit == .needsIngestionOrFailed && outcome.reason.hasPrefix("outdated"))
    }

    @Test func statusModeUnreadableStateIsOne() async throws {
        let outcome = await supervisor(mode: .status, reader: FailingStateReader(), launcher: try script("exit 0"))
            .run()
        #expect(outcome.exit == .tryLater && outcome.reason.contains("connection refused"))
    }

    @Test func verifyModeReturnsTheReport() async throws {
        let outcome = await supervisor(
            mode: .verify, reader: FailingStateReader(), verifier: RecordingVerifier(ok: false),
            launcher: try script("exit 0")
        ).run()
        #expect(outcome.exit == .needsIngestionOrFailed && outcome.report?.checks.count == 2)
    }
}
