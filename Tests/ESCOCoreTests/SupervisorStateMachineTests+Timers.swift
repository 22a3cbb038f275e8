import Testing

@testable import ESCOCore

/// Timers with an identity (postgres-nio's `PoolStateMachine` model), the progress timer while the child runs,
/// and pairs of phase and event the I/O loop cannot produce.
extension SupervisorStateMachineTests {
    @Test func everyTimerGetsANewID() {
        var machine = Machine(configuration: Self.configuration())
        _ = machine.receive(.start, nowMs: 0)
        let first = Self.timers(machine.receive(.dependencyProbed(name: "weaviate", ready: false), nowMs: 1))
        _ = Self.fire(&machine, nowMs: 300)
        let second = Self.timers(machine.receive(.dependencyProbed(name: "weaviate", ready: false), nowMs: 301))
        #expect(first.count == 1 && second.count == 1 && first[0].id != second[0].id)
        #expect(first[0].reason == .dependency("weaviate") && machine.armedTimer == second[0])
    }

    @Test func aTimerThatIsNotTheArmedOneIsIgnored() {
        var machine = Machine(configuration: Self.configuration())
        _ = machine.receive(.start, nowMs: 0)
        let armed = Self.timers(machine.receive(.dependencyProbed(name: "weaviate", ready: false), nowMs: 1))[0]
        var stale = armed
        stale.id -= 1
        #expect(Self.nonLog(machine.receive(.timerFired(stale), nowMs: 300)).isEmpty)
        #expect(machine.armedTimer == armed)
        #expect(Self.nonLog(machine.receive(.timerFired(armed), nowMs: 301)) == [.probeDependency(name: "weaviate")])
    }

    @Test func aTimerFiresOnlyOnce() {
        var machine = Self.waitingForHolder()
        let armed = try! #require(machine.armedTimer)
        #expect(Self.nonLog(machine.receive(.timerFired(armed), nowMs: 200)) == [.readState])
        #expect(Self.nonLog(machine.receive(.timerFired(armed), nowMs: 201)).isEmpty)
    }

    @Test func theChildsProgressTimerIsArmedOnSpawnWithTheHeartbeatInterval() {
        var machine = Self.ingesting(pid: nil)
        let timers = Self.timers(machine.receive(.childSpawned(pid: 99), nowMs: 31))
        #expect(timers.map(\.delayMs) == [10_000] && timers.map(\.reason) == [.progress])
        #expect(Self.nonLog(Self.fire(&machine, nowMs: 10_031)) == [.readProgress])
    }

    @Test func progressReArmsTheProgressTimer() {
        var machine = Self.ingesting()
        _ = Self.fire(&machine, nowMs: 10_031)
        let actions = machine.receive(.childProgress(nil), nowMs: 10_040)
        #expect(Self.timers(actions).map(\.reason) == [.progress] && machine.armedTimer != nil)
    }

    @Test func theProgressTimerOfAChildThatExitedIsStale() {
        var machine = Self.ingesting()
        let progress = try! #require(machine.armedTimer)
        _ = machine.receive(.childExited(.exited(2)), nowMs: 50)
        #expect(machine.phaseName == "read-state")
        #expect(Self.nonLog(machine.receive(.timerFired(progress), nowMs: 60)).isEmpty)
    }

    @Test func progressReadThatFinishesAfterTheChildIsIgnored() {
        var machine = Self.ingesting()
        _ = Self.fire(&machine, nowMs: 10_031)
        _ = machine.receive(.childExited(.exited(2)), nowMs: 10_032)
        #expect(Self.nonLog(machine.receive(.childProgress(nil), nowMs: 10_033)).isEmpty)
        #expect(machine.phaseName == "read-state")
    }

    @Test func busyChildrenAreKeptInThePhaseNotRewound() {
        // The cap counts children that did work; busy ones never enter the count, so nothing is taken back.
        var configuration = Self.configuration()
        configuration.maxIngestRuns = 1
        var machine = Machine(configuration: configuration)
        _ = machine.receive(.start, nowMs: 0)
        _ = machine.receive(.dependencyProbed(name: "weaviate", ready: true), nowMs: 1)
        _ = machine.receive(.dependencyProbed(name: "vectorizer", ready: true), nowMs: 2)
        _ = machine.receive(.stateRead(nil, mountedFingerprint: Self.fingerprint), nowMs: 3)
        _ = machine.receive(.childSpawned(pid: 5), nowMs: 4)
        _ = machine.receive(.childExited(.exited(IngestExit.busy.code.rawValue)), nowMs: 5)
        _ = machine.receive(.stateRead(nil, mountedFingerprint: Self.fingerprint), nowMs: 6)
        _ = Self.fire(&machine, nowMs: 200)
        let actions = machine.receive(.stateRead(nil, mountedFingerprint: Self.fingerprint), nowMs: 201)
        #expect(Self.nonLog(actions).last == .spawnIngest(force: false))
    }

    @Test func startTwiceIsAProgrammingError() async {
        await #expect(processExitsWith: .failure) {
            var machine = SupervisorStateMachine(configuration: .init(mode: .status))
            _ = machine.receive(.start, nowMs: 0)
            _ = machine.receive(.start, nowMs: 1)
        }
    }

    @Test func aVerificationReportWhileWaitingForAHolderIsAProgrammingError() async {
        await #expect(processExitsWith: .failure) {
            var machine = SupervisorStateMachine(configuration: .init(mode: .status, hostname: "a"))
            _ = machine.receive(.start, nowMs: 0)
            _ = machine.receive(.verified(VerificationReport(checks: [])), nowMs: 1)
        }
    }

    @Test func theIngestContractNamesEveryCodeEscoIngestUses() {
        #expect(
            IngestExit.allCases.map(\.code) == [.ready, .tryLater, .needsIngestionOrFailed, .dataError, .configuration])
        #expect(IngestExit(status: 1) == .busy && IngestExit(status: 64) == nil)
        #expect(ChildExit.exited(1).ingestExit == .busy && ChildExit.signaled(9).ingestExit == nil)
        #expect(ChildExit.statusLost.failureExitCode == .needsIngestionOrFailed)
    }
}
