public import ESCOCore
import ESCOSystem
import Foundation
public import Logging
import Synchronization
public import UnixSignals

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The I/O loop of `esco-supervise` (docs/ARCHITECTURE.md#supervisor): performs `SupervisorStateMachine`'s actions
/// and feeds back what happened. One run per instance.
///
/// Structure (swift-service-lifecycle's `ServiceGroup`): one discarding task group owns everything in flight —
/// the signal listener, each probe, state read, verification, timer, the child's waiter and its teardown — and
/// every task reports one event into one stream that this loop alone reads. Finished tasks leave the group; when
/// the run ends the group is cancelled and awaited, so nothing outlives `run`.
public final class Supervisor: Sendable {
    public typealias Mode = SupervisorStateMachine.Mode
    typealias Machine = SupervisorStateMachine

    /// How a run ended: the exit code, a one-line reason, and what was last seen.
    public struct Outcome: Sendable {
        public var exit: ESCOExit
        public var reason: String
        /// The last ingestion state read (status mode prints it).
        public var state: IngestionState?
        /// The last verification report (verify mode prints it).
        public var report: VerificationReport?
    }

    let mode: Mode
    let dependencies: SupervisorDependencies
    let logger: Logger
    let notifier: any SupervisorNotifying
    let hostname: String
    let random: @Sendable () -> UInt64
    let clock: any SupervisorClock
    let reaper: ProcessReaper
    let tasks = TaskCounter()

    /// - Parameters:
    ///   - hostname: must match the host part of the `holder` the ingestion writes (`host:pid`), so the
    ///     supervisor recognises its own child's lease; defaults to `gethostname`.
    ///   - random: seeds the backoff jitter.
    ///   - clock: the wall clock and the timers' sleep.
    public init(
        mode: Mode, dependencies: SupervisorDependencies, logger: Logger,
        notifier: any SupervisorNotifying = SystemdNotifier(), hostname: String = Supervisor.hostname(),
        random: @escaping @Sendable () -> UInt64 = { UInt64.random(in: .min ... .max) },
        clock: any SupervisorClock = SystemClock(), reaper: ProcessReaper = .shared
    ) {
        self.mode = mode
        self.dependencies = dependencies
        self.logger = logger
        self.notifier = notifier
        self.hostname = hostname
        self.random = random
        self.clock = clock
        self.reaper = reaper
    }

    /// Milliseconds since the Unix epoch, from the wall clock.
    public static func epochMilliseconds() -> Int64 { SystemClock().nowMs() }

    /// This host's name (`HostIdentity`: the same as `esco ingest` writes into its lease).
    public static func hostname() -> String { HostIdentity.name() }

    /// Tasks of the run's group: in flight now, and the most at any one time (bounded whatever the run's length).
    public var taskCounts: (live: Int, peak: Int) { tasks.counts }

    var machineConfiguration: Machine.Configuration {
        let settings = dependencies.settings
        let leaseThird = max(1, settings.leaseTTL.wholeMilliseconds / 3)
        return Machine.Configuration(
            mode: mode, dependencies: dependencies.probes.map { .init(name: $0.name, url: $0.url) },
            dependencyDeadlineMs: settings.dependencyDeadline.wholeMilliseconds,
            waitDeadlineMs: settings.waitDeadline.wholeMilliseconds,
            backoffInitialMs: settings.backoffInitial.wholeMilliseconds,
            backoffMaxMs: settings.backoffMax.wholeMilliseconds,
            pollInitialMs: min(settings.pollInterval.wholeMilliseconds, leaseThird),
            pollMaxMs: min(settings.pollMaxInterval.wholeMilliseconds, leaseThird),
            heartbeatIntervalMs: settings.heartbeatInterval.wholeMilliseconds, hostname: hostname, jitterSeed: random()
        )
    }

    /// Runs to completion and returns the exit code with its reason. Never throws: failures are outcomes.
    /// `terminationSignals` (SIGTERM/SIGINT from `UnixSignalsSequence`) go to the state machine as they arrive.
    public func run<Signals: AsyncSequence & Sendable>(terminationSignals: Signals) async -> Outcome
    where Signals.Element == UnixSignal {
        let (events, inbox) = AsyncStream.makeStream(of: Machine.Event.self)
        var machine = Machine(configuration: machineConfiguration)
        var run = RunContext(inbox: inbox)
        return await withDiscardingTaskGroup { group in
            addTask(to: &group) {
                do {
                    for try await signal in terminationSignals {
                        inbox.yield(.terminationRequested(signal: signal.rawValue))
                    }
                } catch {}
            }
            if reaper.isReapingAll {
                let reaper = self.reaper
                addTask(to: &group) { await reaper.collectOrphans(every: .seconds(1)) }
            }
            inbox.yield(.start)
            for await event in events {
                run.record(event)
                for action in machine.receive(event, nowMs: clock.nowMs()) {
                    if case .exit(let code, let reason) = action {
                        group.cancelAll()
                        inbox.finish()
                        return Outcome(
                            exit: code, reason: reason.description, state: run.lastState, report: run.lastReport)
                    }
                    await perform(action, run: &run, group: &group)
                }
            }
            // Unreachable: the stream only ends after an exit action.
            return Outcome(exit: .tryLater, reason: "supervisor stopped unexpectedly", state: run.lastState)
        }
    }

    /// What the loop remembers between events: the child, the mounted fingerprint, what the outcome reports.
    struct RunContext {
        let inbox: AsyncStream<Machine.Event>.Continuation
        var child: ChildProcess?
        var fingerprint: Result<String, any Error>?
        var lastState: IngestionState?
        var lastReport: VerificationReport?

        mutating func record(_ event: Machine.Event) {
            switch event {
            case .stateRead(let state, _): lastState = state
            case .childProgress(let state?): lastState = state
            case .verified(let report): lastReport = report
            default: break
            }
        }
    }

    /// Adds a task to the run's group, counted while it runs.
    func addTask(to group: inout DiscardingTaskGroup, _ body: @escaping @Sendable () async -> Void) {
        let tasks = self.tasks
        tasks.started()
        group.addTask {
            defer { tasks.finished() }
            await body()
        }
    }

    private func perform(_ action: Machine.Action, run: inout RunContext, group: inout DiscardingTaskGroup) async {
        let inbox = run.inbox
        switch action {
        case .probeDependency(let name):
            guard let probe = dependencies.probes.first(where: { $0.name == name }) else { return }
            addTask(to: &group) { inbox.yield(.dependencyProbed(name: name, ready: await probe.isReady())) }
        case .scheduleTimer(let timer):
            let clock = self.clock
            addTask(to: &group) {
                do {
                    try await clock.sleep(for: .milliseconds(timer.delayMs))
                    inbox.yield(.timerFired(timer))
                } catch {}
            }
        case .readState:
            if run.fingerprint == nil { run.fingerprint = await computeFingerprint() }
            let fingerprint = try? run.fingerprint?.get()
            let reader = dependencies.stateReader
            addTask(to: &group) {
                do {
                    inbox.yield(.stateRead(try await reader.readState(), mountedFingerprint: fingerprint))
                } catch {
                    inbox.yield(.stateReadFailed("\(error)"))
                }
            }
        case .readProgress:
            let reader = dependencies.stateReader
            addTask(to: &group) { inbox.yield(.childProgress((try? await reader.readState()) ?? nil)) }
        case .spawnIngest(let force):
            spawnChild(force: force, run: &run, group: &group)
        case .forwardSignal(let signal):
            guard let child = run.child else { return }
            let grace = dependencies.settings.terminationGrace
            addTask(to: &group) { await child.teardown([.send(signal: signal, allowedDuration: grace)]) }
        case .runVerify:
            let verifier = dependencies.verifier
            addTask(to: &group) {
                do {
                    inbox.yield(.verified(try await verifier.verify()))
                } catch {
                    inbox.yield(.verifyFailed("\(error)"))
                }
            }
        case .notify(let status, let extend):
            notifier.notify(status: status.description, ready: status == .ready, extendTimeoutUsec: extend)
        case .log(let event, let phase):
            let metadata = event.metadata.merging(["phase": phase]) { $1 }
            logger.log(level: event.level.swiftLog, "\(event.message)", metadata: metadata.mapValues { .string($0) })
        case .exit:
            break
        }
    }

    private func spawnChild(force: Bool, run: inout RunContext, group: inout DiscardingTaskGroup) {
        let command = dependencies.launcher.command(force: force)
        logger.debug("spawning", metadata: ["phase": "ingest", "argv": "\(command.arguments.joined(separator: " "))"])
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(
                arguments: command.arguments, environment: command.environment, reaper: reaper)
        } catch {
            run.inbox.yield(.childSpawnFailed(error.description))
            return
        }
        run.child = child
        let inbox = run.inbox
        inbox.yield(.childSpawned(pid: child.pid))
        addTask(to: &group) { inbox.yield(.childExited(await child.wait())) }
    }

    /// Fingerprinting may hash files for seconds: it runs on a thread of its own, off the cooperative pool.
    private func computeFingerprint() async -> Result<String, any Error> {
        let fingerprinter = dependencies.fingerprinter
        let result: Result<String, any Error> = await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: Result { try fingerprinter.fingerprint() }) }.start()
        }
        if case .failure(let error) = result {
            logger.warning(
                "mounted data could not be fingerprinted; completed data is not checked for being outdated",
                metadata: ["phase": "read-state", "error": "\(error)"]
            )
        }
        return result
    }
}

/// Live and peak task counts of a run's group.
final class TaskCounter: Sendable {
    private let state = Mutex((live: 0, peak: 0))

    var counts: (live: Int, peak: Int) { state.withLock { $0 } }

    func started() {
        state.withLock { counts in
            counts.live += 1
            counts.peak = max(counts.peak, counts.live)
        }
    }

    func finished() { state.withLock { $0.live -= 1 } }
}

extension SupervisorStateMachine.LogLevel {
    var swiftLog: Logger.Level {
        switch self {
        case .debug: .debug
        case .info: .info
        case .notice: .notice
        case .warning: .warning
        case .error: .error
        }
    }
}
