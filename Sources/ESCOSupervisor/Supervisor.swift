import ESCOSystem
public import ESCOCore
import Foundation
public import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The I/O loop of `esco-supervise` (docs/ARCHITECTURE.md#supervisor): performs `SupervisorStateMachine`'s actions
/// and feeds back what happened. One run per instance.
///
/// Signals: the executable's signal thread calls `requestTermination(signal:)`; the machine decides
/// (forward to the child's group while ingesting, exit 1 while waiting).
public final class Supervisor: Sendable {
    public typealias Mode = SupervisorStateMachine.Mode

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
    let wallClockMs: @Sendable () -> Int64
    let reaper: ProcessReaper
    private let inbox = Mutex<Inbox>(Inbox())

    private struct Inbox {
        var continuation: AsyncStream<SupervisorStateMachine.Event>.Continuation?
        var pendingSignals: [Int32] = []
    }

    /// - Parameters:
    ///   - hostname: must match the host part of the `holder` the ingestion writes (`host:pid`), so the
    ///     supervisor recognises its own child's lease; defaults to `gethostname`.
    ///   - random: seeds the backoff jitter.
    ///   - wallClockMs: milliseconds since the epoch (lease expiry is wall-clock time).
    public init(
        mode: Mode, dependencies: SupervisorDependencies, logger: Logger,
        notifier: any SupervisorNotifying = SystemdNotifier(), hostname: String = Supervisor.hostname(),
        random: @escaping @Sendable () -> UInt64 = { UInt64.random(in: .min ... .max) },
        wallClockMs: @escaping @Sendable () -> Int64 = Supervisor.epochMilliseconds,
        reaper: ProcessReaper = .shared
    ) {
        self.mode = mode
        self.dependencies = dependencies
        self.logger = logger
        self.notifier = notifier
        self.hostname = hostname
        self.random = random
        self.wallClockMs = wallClockMs
        self.reaper = reaper
    }

    /// Milliseconds since the Unix epoch, from the wall clock.
    public static func epochMilliseconds() -> Int64 {
        WallClock.nowMs()
    }

    /// This host's name (`HostIdentity`: the same as `esco ingest` writes into its lease).
    public static func hostname() -> String { HostIdentity.name() }

    /// Asks the run to stop, as SIGTERM/SIGINT would. Safe from any thread, before or during `run()`.
    public func requestTermination(signal: Int32) {
        inbox.withLock { inbox in
            if let continuation = inbox.continuation {
                continuation.yield(.terminationRequested(signal: signal))
            } else {
                inbox.pendingSignals.append(signal)
            }
        }
    }

    var machineConfiguration: SupervisorStateMachine.Configuration {
        let settings = dependencies.settings
        let leaseThird = max(1, settings.leaseTTL.milliseconds / 3)
        return SupervisorStateMachine.Configuration(
            mode: mode, dependencies: dependencies.probes.map { .init(name: $0.name, url: $0.url) },
            dependencyDeadlineMs: settings.dependencyDeadline.milliseconds,
            waitDeadlineMs: settings.waitDeadline.milliseconds,
            backoffInitialMs: settings.backoffInitial.milliseconds, backoffMaxMs: settings.backoffMax.milliseconds,
            pollInitialMs: min(settings.pollInterval.milliseconds, leaseThird),
            pollMaxMs: min(settings.pollMaxInterval.milliseconds, leaseThird),
            heartbeatIntervalMs: settings.heartbeatInterval.milliseconds, hostname: hostname, jitterSeed: random()
        )
    }

    /// Runs to completion and returns the exit code with its reason. Never throws: failures are outcomes.
    public func run() async -> Outcome {
        let (events, continuation) = AsyncStream.makeStream(of: SupervisorStateMachine.Event.self)
        let pending = inbox.withLock { inbox -> [Int32] in
            inbox.continuation = continuation
            defer { inbox.pendingSignals = [] }
            return inbox.pendingSignals
        }
        var run = RunContext(continuation: continuation)
        var machine = SupervisorStateMachine(configuration: machineConfiguration)
        continuation.yield(.start)
        for signal in pending { continuation.yield(.terminationRequested(signal: signal)) }
        defer {
            for task in run.tasks { task.cancel() }
            inbox.withLock { $0.continuation = nil }
            continuation.finish()
        }
        for await event in events {
            switch event {
            case .stateRead(let state, _): run.lastState = state
            case .childProgress(let state?): run.lastState = state
            case .verified(let report): run.lastReport = report
            default: break
            }
            let phaseBefore = machine.phaseName
            for action in machine.receive(event, nowMs: wallClockMs()) {
                if case .exit(let code, let reason) = action {
                    return Outcome(exit: code, reason: reason, state: run.lastState, report: run.lastReport)
                }
                await perform(action, phase: phaseBefore, run: &run)
            }
        }
        return Outcome(exit: .tryLater, reason: "supervisor stopped unexpectedly", state: run.lastState)
    }

    struct RunContext {
        let continuation: AsyncStream<SupervisorStateMachine.Event>.Continuation
        var tasks: [Task<Void, Never>] = []
        var child: ChildProcess?
        var fingerprint: Result<String, any Error>?
        var lastState: IngestionState?
        var lastReport: VerificationReport?
    }

    private func perform(_ action: SupervisorStateMachine.Action, phase: String, run: inout RunContext) async {
        let inbox = run.continuation
        switch action {
        case .probeDependency(let name):
            guard let probe = dependencies.probes.first(where: { $0.name == name }) else { return }
            run.tasks.append(Task { inbox.yield(.dependencyProbed(name: name, ready: await probe.isReady())) })
        case .sleep(let ms, _):
            run.tasks.append(
                Task {
                    do {
                        try await Task.sleep(for: .milliseconds(ms))
                        inbox.yield(.slept)
                    } catch {}
                })
        case .readState:
            if run.fingerprint == nil { run.fingerprint = await computeFingerprint() }
            let fingerprint = try? run.fingerprint?.get()
            let reader = dependencies.stateReader
            run.tasks.append(
                Task {
                    do {
                        inbox.yield(.stateRead(try await reader.readState(), mountedFingerprint: fingerprint))
                    } catch {
                        inbox.yield(.stateReadFailed("\(error)"))
                    }
                })
        case .spawnIngest(let force):
            spawn(force: force, run: &run)
        case .forwardSignal(let signal):
            guard let child = run.child else { return }
            let grace = dependencies.settings.terminationGrace
            run.tasks.append(Task { await child.terminate(signal: signal, grace: grace) })
        case .runVerify:
            let verifier = dependencies.verifier
            run.tasks.append(
                Task {
                    do {
                        inbox.yield(.verified(try await verifier.verify()))
                    } catch {
                        inbox.yield(.verifyFailed("\(error)"))
                    }
                })
        case .notify(let status, let ready, let extend):
            notifier.notify(status: status, ready: ready, extendTimeoutUsec: extend)
        case .log(let level, let message, let metadata):
            logger.log(level: level.swiftLog, "\(message)", metadata: metadata.mapValues { .string($0) })
        case .exit:
            break
        }
    }

    private func spawn(force: Bool, run: inout RunContext) {
        let command = dependencies.launcher.command(force: force)
        logger.debug("spawning", metadata: ["phase": "ingest", "argv": "\(command.arguments.joined(separator: " "))"])
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(
                arguments: command.arguments, environment: command.environment, reaper: reaper)
        } catch {
            run.continuation.yield(.childSpawnFailed(error.description))
            return
        }
        run.child = child
        let inbox = run.continuation
        inbox.yield(.childSpawned(pid: child.pid))
        let reader = dependencies.stateReader
        let interval = dependencies.settings.heartbeatInterval
        // Progress ticks double as EXTEND_TIMEOUT_USEC heartbeats while the child runs.
        let ticker = Task {
            while !Task.isCancelled {
                do { try await Task.sleep(for: interval) } catch { return }
                if child.exitStatus != nil { return }
                let state = try? await reader.readState()
                inbox.yield(.childProgress(state ?? nil))
            }
        }
        run.tasks.append(ticker)
        run.tasks.append(
            Task {
                let outcome = await child.wait()
                ticker.cancel()
                inbox.yield(.childExited(outcome))
            })
    }

    /// Fingerprinting may hash files: keep it off the cooperative pool.
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
