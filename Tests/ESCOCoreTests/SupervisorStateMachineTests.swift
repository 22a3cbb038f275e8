import Testing

@testable import ESCOCore

/// Event-by-event tests of the supervisor's decisions (docs/ARCHITECTURE.md#supervisor). One expectation each.
@Suite struct SupervisorStateMachineTests {
    typealias Machine = SupervisorStateMachine

    static let weaviate = Machine.Dependency(name: "weaviate", url: "http://weaviate:8080")
    static let vectorizer = Machine.Dependency(name: "vectorizer", url: "http://t2v:8080")
    static let fingerprint = "fp-1"

    static func configuration(_ mode: Machine.Mode = .run) -> Machine.Configuration {
        Machine.Configuration(
            mode: mode, dependencies: [weaviate, vectorizer], dependencyDeadlineMs: 1_000, waitDeadlineMs: 5_000,
            backoffInitialMs: 250, backoffMaxMs: 5_000, pollInitialMs: 100, pollMaxMs: 1_000,
            heartbeatIntervalMs: 10_000, hostname: "host-a", maxIngestRuns: 3, jitterSeed: 42
        )
    }

    static func completed(_ fingerprint: String = fingerprint) -> IngestionState {
        IngestionState(status: .completed, runId: "r1", holder: "host-b:7", fingerprint: fingerprint)
    }

    static func live(holder: String = "host-b:7", expiresAtMs: Int64 = 60_000) -> IngestionState {
        IngestionState(
            status: .inProgress, runId: "r2", holder: holder, leaseExpiresAtMs: expiresAtMs, step: "skills",
            stepIndex: 5, stepCount: 12, itemsDone: 1200, itemsTotal: 13896, fingerprint: fingerprint
        )
    }

    static let okReport = VerificationReport(checks: [.init(name: "counts.Skill", ok: true)])
    static let badReport = VerificationReport(checks: [.init(name: "counts.Skill", ok: false, detail: "3 of 5")])

    /// A run-mode machine past both dependencies, waiting for its first state read.
    static func readingState() -> Machine {
        var machine = Machine(configuration: configuration())
        _ = machine.receive(.start, nowMs: 0)
        _ = machine.receive(.dependencyProbed(name: "weaviate", ready: true), nowMs: 10)
        _ = machine.receive(.dependencyProbed(name: "vectorizer", ready: true), nowMs: 20)
        return machine
    }

    static func ingesting(pid: Int32? = 99) -> Machine {
        var machine = readingState()
        _ = machine.receive(.stateRead(nil, mountedFingerprint: fingerprint), nowMs: 30)
        if let pid { _ = machine.receive(.childSpawned(pid: pid), nowMs: 31) }
        return machine
    }

    static func waitingForHolder() -> Machine {
        var machine = readingState()
        _ = machine.receive(.stateRead(live(), mountedFingerprint: fingerprint), nowMs: 30)
        return machine
    }

    static func nonLog(_ actions: [Machine.Action]) -> [Machine.Action] {
        actions.filter { if case .log = $0 { false } else { true } }
    }

    static func exitCode(_ actions: [Machine.Action]) -> ESCOExit? {
        for case .exit(let code, _) in actions { return code }
        return nil
    }

    static func exitReason(_ actions: [Machine.Action]) -> String {
        for case .exit(_, let reason) in actions { return reason.description }
        return ""
    }

    static func timers(_ actions: [Machine.Action]) -> [Machine.Timer] {
        actions.compactMap { if case .scheduleTimer(let timer) = $0 { timer } else { nil } }
    }

    static func sleeps(_ actions: [Machine.Action]) -> [Int64] {
        timers(actions).map(\.delayMs)
    }

    static func infoLogs(_ actions: [Machine.Action]) -> [String] {
        actions.compactMap {
            if case .log(let event, _) = $0, event.level != .debug { event.message } else { nil }
        }
    }

    /// The `sd_notify` datagrams the actions stand for, as `SystemdNotifier` renders them.
    static func datagrams(_ actions: [Machine.Action]) -> [String] {
        actions.compactMap {
            guard case .notify(let status, let extend) = $0 else { return nil }
            var lines = ["STATUS=\(status)"]
            if let extend { lines.append("EXTEND_TIMEOUT_USEC=\(extend)") }
            if status == .ready { lines.append("READY=1") }
            return lines.joined(separator: "\n")
        }
    }

    /// Fires the armed timer, as the I/O loop does when the wait it scheduled ends.
    static func fire(_ machine: inout Machine, nowMs: Int64) -> [Machine.Action] {
        guard let timer = machine.armedTimer else {
            Issue.record("no timer armed in phase \(machine.phaseName)")
            return []
        }
        return machine.receive(.timerFired(timer), nowMs: nowMs)
    }

    // MARK: start and dependencies

    @Test func startProbesTheFirstDependencyWithAStatus() {
        var machine = Machine(configuration: Self.configuration())
        let actions = machine.receive(.start, nowMs: 0)
        #expect(
            Self.nonLog(actions) == [
                .notify(.waitingForDependency(Self.weaviate), extendTimeoutUsec: 30_000_000),
                .probeDependency(name: "weaviate"),
            ]
        )
        #expect(
            Self.datagrams(actions) == [
                "STATUS=waiting for weaviate at http://weaviate:8080\nEXTEND_TIMEOUT_USEC=30000000"
            ])
    }

    @Test func readyDependencyMovesToTheNext() {
        var machine = Machine(configuration: Self.configuration())
        _ = machine.receive(.start, nowMs: 0)
        let actions = machine.receive(.dependencyProbed(name: "weaviate", ready: true), nowMs: 5)
        #expect(Self.nonLog(actions).last == .probeDependency(name: "vectorizer"))
    }

    @Test func readyDependencyLogsOneReadyLine() {
        var machine = Machine(configuration: Self.configuration())
        _ = machine.receive(.start, nowMs: 0)
        #expect(Self.infoLogs(machine.receive(.dependencyProbed(name: "weaviate", ready: true), nowMs: 5)) == ["ready"])
    }

    @Test func lastReadyDependencyReadsState() {
        #expect(Self.readingState().phaseName == "read-state")
    }

    @Test func noDependenciesReadsStateAtOnce() {
        var configuration = Self.configuration()
        configuration.dependencies = []
        var machine = Machine(configuration: configuration)
        #expect(Self.nonLog(machine.receive(.start, nowMs: 0)).last == .readState)
    }

    @Test func unreadyDependencySleepsWithinTheFirstBackoffCeiling() {
        var machine = Machine(configuration: Self.configuration())
        _ = machine.receive(.start, nowMs: 0)
        let slept = Self.sleeps(machine.receive(.dependencyProbed(name: "weaviate", ready: false), nowMs: 1))
        #expect(slept.count == 1 && (1...250).contains(slept[0]))
    }

    @Test func firstFailedProbeLogsWaitingOnce() {
        var machine = Machine(configuration: Self.configuration())
        _ = machine.receive(.start, nowMs: 0)
        #expect(
            Self.infoLogs(machine.receive(.dependencyProbed(name: "weaviate", ready: false), nowMs: 1)) == ["waiting"])
    }

    @Test func laterFailedProbesLogOnlyAtDebug() {
        var machine = Machine(configuration: Self.configuration())
        _ = machine.receive(.start, nowMs: 0)
        _ = machine.receive(.dependencyProbed(name: "weaviate", ready: false), nowMs: 1)
        _ = Self.fire(&machine, nowMs: 100)
        #expect(Self.infoLogs(machine.receive(.dependencyProbed(name: "weaviate", ready: false), nowMs: 101)).isEmpty)
    }

    @Test func sleptProbesAgain() {
        var machine = Machine(configuration: Self.configuration())
        _ = machine.receive(.start, nowMs: 0)
        _ = machine.receive(.dependencyProbed(name: "weaviate", ready: false), nowMs: 1)
        #expect(Self.nonLog(Self.fire(&machine, nowMs: 100)) == [.probeDependency(name: "weaviate")])
    }

    @Test func sleepNeverPassesTheDeadline() {
        var machine = Machine(configuration: Self.configuration())
        _ = machine.receive(.start, nowMs: 0)
        #expect(Self.sleeps(machine.receive(.dependencyProbed(name: "weaviate", ready: false), nowMs: 999)) == [1])
    }

    @Test func dependencyDeadlineExitsOne() {
        var machine = Machine(configuration: Self.configuration())
        _ = machine.receive(.start, nowMs: 0)
        #expect(
            Self.exitCode(machine.receive(.dependencyProbed(name: "weaviate", ready: false), nowMs: 1_000)) == .tryLater
        )
    }

    @Test func dependencyDeadlineNamesTheDependencyAndURL() {
        var machine = Machine(configuration: Self.configuration())
        _ = machine.receive(.start, nowMs: 0)
        let reason = Self.exitReason(machine.receive(.dependencyProbed(name: "weaviate", ready: false), nowMs: 1_000))
        #expect(reason.hasPrefix("weaviate at http://weaviate:8080 was not ready after 1 s"))
    }

    @Test func secondDependencyGetsItsOwnDeadline() {
        var machine = Machine(configuration: Self.configuration())
        _ = machine.receive(.start, nowMs: 0)
        _ = machine.receive(.dependencyProbed(name: "weaviate", ready: true), nowMs: 900)
        #expect(
            Self.exitCode(machine.receive(.dependencyProbed(name: "vectorizer", ready: false), nowMs: 1_500)) == nil)
    }

    @Test func probeResultForAnotherDependencyIsIgnored() {
        var machine = Machine(configuration: Self.configuration())
        _ = machine.receive(.start, nowMs: 0)
        #expect(Self.nonLog(machine.receive(.dependencyProbed(name: "vectorizer", ready: true), nowMs: 1)).isEmpty)
    }

    @Test func heartbeatIsRepeatedWhenDueWhileWaiting() {
        var machine = Machine(configuration: Self.configuration())
        _ = machine.receive(.start, nowMs: 0)
        _ = machine.receive(.dependencyProbed(name: "weaviate", ready: false), nowMs: 1)
        #expect(
            Self.datagrams(Self.fire(&machine, nowMs: 10_000))
                == ["STATUS=waiting for weaviate at http://weaviate:8080\nEXTEND_TIMEOUT_USEC=30000000"]
        )
    }

    // MARK: state decisions

    @Test func completedForTheMountedFingerprintVerifies() {
        var machine = Self.readingState()
        #expect(
            Self.nonLog(machine.receive(.stateRead(Self.completed(), mountedFingerprint: Self.fingerprint), nowMs: 30))
                .last == .runVerify)
    }

    @Test func noStateObjectIngestsWithoutForce() {
        var machine = Self.readingState()
        #expect(
            Self.nonLog(machine.receive(.stateRead(nil, mountedFingerprint: Self.fingerprint), nowMs: 30)).last
                == .spawnIngest(force: false))
    }

    @Test func failedStateIngestsWithoutForce() {
        var machine = Self.readingState()
        let state = IngestionState(status: .failed, error: "skills: 3 objects failed")
        #expect(
            Self.nonLog(machine.receive(.stateRead(state, mountedFingerprint: Self.fingerprint), nowMs: 30)).last
                == .spawnIngest(force: false))
    }

    @Test func outdatedStateIngestsWithForce() {
        var machine = Self.readingState()
        #expect(
            Self.nonLog(
                machine.receive(.stateRead(Self.completed("old"), mountedFingerprint: Self.fingerprint), nowMs: 30)
            ).last == .spawnIngest(force: true))
    }

    @Test func staleLeaseIsTakenOver() {
        var machine = Self.readingState()
        #expect(
            Self.nonLog(
                machine.receive(.stateRead(Self.live(expiresAtMs: 10), mountedFingerprint: Self.fingerprint), nowMs: 30)
            ).last == .spawnIngest(force: false))
    }

    @Test func liveLeaseElsewhereWaits() {
        #expect(Self.waitingForHolder().phaseName == "wait-holder")
    }

    @Test func liveLeaseStatusShowsHolderAndProgress() {
        var machine = Self.readingState()
        let actions = machine.receive(.stateRead(Self.live(), mountedFingerprint: Self.fingerprint), nowMs: 30)
        #expect(
            Self.datagrams(actions).contains(
                "STATUS=waiting for ingestion by host-b:7 5/12 skills 1200/13896\nEXTEND_TIMEOUT_USEC=30000000"))
    }

    @Test func pollSleepIsWithinThePollCeiling() {
        var machine = Self.readingState()
        let slept = Self.sleeps(
            machine.receive(.stateRead(Self.live(), mountedFingerprint: Self.fingerprint), nowMs: 30))
        #expect(slept.count == 1 && (1...100).contains(slept[0]))
    }

    @Test func pollWakesJustAfterTheLeaseExpires() {
        var machine = Self.readingState()
        #expect(
            Self.sleeps(
                machine.receive(.stateRead(Self.live(expiresAtMs: 31), mountedFingerprint: Self.fingerprint), nowMs: 30)
            ) == [2])
    }

    @Test func pollReadsStateAgainAfterSleeping() {
        var machine = Self.waitingForHolder()
        #expect(Self.nonLog(Self.fire(&machine, nowMs: 200)) == [.readState])
    }

    @Test func holderFinishingLeadsToVerify() {
        var machine = Self.waitingForHolder()
        _ = Self.fire(&machine, nowMs: 200)
        #expect(
            Self.nonLog(machine.receive(.stateRead(Self.completed(), mountedFingerprint: Self.fingerprint), nowMs: 201))
                .last == .runVerify)
    }

    @Test func holderDyingLeadsToTakeOver() {
        var machine = Self.waitingForHolder()
        _ = Self.fire(&machine, nowMs: 200)
        #expect(
            Self.nonLog(
                machine.receive(
                    .stateRead(Self.live(expiresAtMs: 60_000), mountedFingerprint: Self.fingerprint), nowMs: 60_001)
            ).last == .spawnIngest(force: false))
    }

    @Test func stillLiveHolderDoesNotLogAgainAtInfo() {
        var machine = Self.waitingForHolder()
        _ = Self.fire(&machine, nowMs: 200)
        #expect(
            Self.infoLogs(machine.receive(.stateRead(Self.live(), mountedFingerprint: Self.fingerprint), nowMs: 201))
                .isEmpty)
    }

    @Test func waitDeadlineExitsOne() {
        var machine = Self.waitingForHolder()
        _ = Self.fire(&machine, nowMs: 5_000)
        #expect(
            Self.exitCode(machine.receive(.stateRead(Self.live(), mountedFingerprint: Self.fingerprint), nowMs: 5_030))
                == .tryLater)
    }

    @Test func stateReadFailureRetries() {
        var machine = Self.readingState()
        #expect(Self.sleeps(machine.receive(.stateReadFailed("connection refused"), nowMs: 30)).count == 1)
    }

    @Test func stateReadFailingPastTheDeadlineExitsOne() {
        var machine = Self.readingState()
        _ = machine.receive(.stateReadFailed("connection refused"), nowMs: 30)
        _ = Self.fire(&machine, nowMs: 500)
        #expect(Self.exitCode(machine.receive(.stateReadFailed("connection refused"), nowMs: 1_030)) == .tryLater)
    }
}
