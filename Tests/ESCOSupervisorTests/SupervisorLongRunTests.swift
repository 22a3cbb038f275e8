import ESCOCore
import ESCOSupervisor
import Foundation
import Synchronization
import Testing

/// An hour of polling a holder, on a simulated clock: the run's group and the process's threads stay bounded
/// (the old loop kept one task handle per action, hundreds an hour).
@Suite struct SupervisorLongRunTests {
    /// Time that passes only when someone sleeps: every sleep moves it forward by its duration.
    final class SimulatedClock: SupervisorClock {
        private let now: Mutex<Int64>

        init(startMs: Int64) { now = Mutex(startMs) }

        func nowMs() -> Int64 { now.withLock { $0 } }

        func sleep(for duration: Duration) async throws {
            try Task.checkCancellation()
            let (seconds, attoseconds) = duration.components
            now.withLock { $0 += seconds * 1_000 + attoseconds / 1_000_000_000_000_000 }
            await Task.yield()
        }
    }

    /// Always someone else's live lease, renewed like a healthy holder's; samples the load on every read.
    final class BusyHolderReader: IngestionStateReading {
        let clock: SimulatedClock
        let sample: Mutex<@Sendable () -> Void> = Mutex({})
        private let reads = Mutex(0)

        init(clock: SimulatedClock) { self.clock = clock }

        var readCount: Int { reads.withLock { $0 } }

        func readState() async throws -> IngestionState? {
            reads.withLock { $0 += 1 }
            sample.withLock { $0 }()
            return IngestionState(
                status: .inProgress, runId: "r2", holder: "other:7", leaseExpiresAtMs: clock.nowMs() + 60_000,
                step: "skills", stepIndex: 5, stepCount: 12, fingerprint: "fp-1")
        }
    }

    static func threadCount() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? 0
    }

    @Test func anHourOfPollingKeepsTasksAndThreadsBounded() async throws {
        let start: Int64 = 1_700_000_000_000
        let clock = SimulatedClock(startMs: start)
        let reader = BusyHolderReader(clock: clock)
        let settings = SupervisorSettings(
            dependencyDeadline: .seconds(300), waitDeadline: .seconds(3_600), pollInterval: .seconds(1),
            pollMaxInterval: .seconds(10), backoffInitial: .milliseconds(250), backoffMax: .seconds(5),
            terminationGrace: .seconds(8), leaseTTL: .seconds(60), heartbeatInterval: .seconds(10))
        let log = RecordingLog()
        let supervisor = Supervisor(
            mode: .run,
            dependencies: SupervisorDependencies(
                probes: [InMemoryProbe(name: "weaviate")], stateReader: reader, fingerprinter: InMemoryFingerprinter(),
                verifier: RecordingVerifier(), launcher: ArgvIngestLauncher(arguments: ["/bin/false"]),
                settings: settings),
            logger: log.logger(), notifier: RecordingNotifier(), hostname: "host-a", random: { 7 }, clock: clock)
        let threadsBefore = Self.threadCount()
        let samples = Mutex((tasks: [Int](), threads: [Int]()))
        reader.sample.withLock {
            $0 = {
                samples.withLock {
                    $0.tasks.append(supervisor.taskCounts.live)
                    $0.threads.append(Self.threadCount())
                }
            }
        }

        let outcome = await supervisor.run()

        let simulated = clock.nowMs() - start
        let (tasks, threads) = samples.withLock { ($0.tasks, $0.threads) }
        #expect(outcome.exit == .tryLater && outcome.reason.contains("still in progress after"), "\(outcome.reason)")
        #expect(simulated >= 3_600_000, "simulated \(simulated) ms")
        // Polls back off to at most 10 s: an hour is hundreds of reads.
        #expect(reader.readCount >= 360, "\(reader.readCount) reads")
        // In flight at any read: the signal listener, the read itself, and at most one timer.
        #expect(supervisor.taskCounts.peak <= 4 && (tasks.max() ?? 99) <= 4, "peak \(supervisor.taskCounts.peak)")
        #expect(supervisor.taskCounts.live == 0, "the group is empty once run returns")
        // Nothing creates a thread per wait: hundreds of polls leave the count where the runtime's pools put it
        // (the margin is for other suites' threads under --parallel, not for these polls).
        let peakThreads = threads.max() ?? 0
        #expect(peakThreads <= threadsBefore + 16, "threads \(threadsBefore) before, \(peakThreads) peak")
    }
}
