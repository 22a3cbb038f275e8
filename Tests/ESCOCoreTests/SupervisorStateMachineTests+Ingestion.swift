import Testing

@testable import ESCOCore

/// Ingestion, warm-path and termination transitions (helpers in SupervisorStateMachineTests.swift).
extension SupervisorStateMachineTests {
    // MARK: ingestion

    @Test func childSpawnFailureExitsTwo() {
        var machine = Self.ingesting(pid: nil)
        #expect(Self.exitCode(machine.receive(.childSpawnFailed("no such file"), nowMs: 31)) == .needsIngestionOrFailed)
    }

    @Test func progressTickUpdatesStatusWithProgress() {
        var machine = Self.ingesting()
        _ = Self.fire(&machine, nowMs: 39)
        #expect(
            Self.datagrams(machine.receive(.childProgress(Self.live(holder: "host-a:99")), nowMs: 40)) == [
                "STATUS=ingesting 5/12 skills 1200/13896\nEXTEND_TIMEOUT_USEC=30000000"
            ])
    }

    @Test func childSuccessVerifies() {
        var machine = Self.ingesting()
        #expect(Self.nonLog(machine.receive(.childExited(.exited(0)), nowMs: 50)).last == .runVerify)
    }

    @Test func verifiedAfterIngestSendsReadyThenExitsZero() {
        var machine = Self.ingesting()
        _ = machine.receive(.childExited(.exited(0)), nowMs: 50)
        let actions = machine.receive(.verified(Self.okReport), nowMs: 60)
        #expect(
            Self.nonLog(actions) == [.notify(.ready, extendTimeoutUsec: nil), .exit(.ready, .dataReady(warm: false))])
        #expect(
            Self.datagrams(actions) == ["STATUS=ready: data verified\nREADY=1"]
                && Self.exitReason(actions) == "data ready: ingested and verified")
    }

    @Test func failedVerifyAfterIngestExitsTwo() {
        var machine = Self.ingesting()
        _ = machine.receive(.childExited(.exited(0)), nowMs: 50)
        #expect(Self.exitCode(machine.receive(.verified(Self.badReport), nowMs: 60)) == .needsIngestionOrFailed)
    }

    @Test func failedExitNeverSendsReady() {
        var machine = Self.ingesting()
        _ = machine.receive(.childExited(.exited(0)), nowMs: 50)
        let readies = machine.receive(.verified(Self.badReport), nowMs: 60).filter {
            if case .notify(.ready, _) = $0 { true } else { false }
        }
        #expect(readies.isEmpty)
    }

    @Test func childFailureReadsStateAgain() {
        var machine = Self.ingesting()
        #expect(Self.nonLog(machine.receive(.childExited(.exited(2)), nowMs: 50)) == [.readState])
    }

    @Test func childFailureWithOwnStaleLeaseExitsTwo() {
        var machine = Self.ingesting()
        _ = machine.receive(.childExited(.signaled(9)), nowMs: 50)
        let state = IngestionState(status: .failed, holder: "host-a:99", error: "boom")
        #expect(
            Self.exitCode(machine.receive(.stateRead(state, mountedFingerprint: Self.fingerprint), nowMs: 51))
                == .needsIngestionOrFailed)
    }

    @Test func childFailureWithOwnLiveLeaseDoesNotWait() {
        var machine = Self.ingesting()
        _ = machine.receive(.childExited(.signaled(9)), nowMs: 50)
        #expect(
            Self.exitCode(
                machine.receive(
                    .stateRead(Self.live(holder: "host-a:99"), mountedFingerprint: Self.fingerprint), nowMs: 51))
                == .needsIngestionOrFailed)
    }

    @Test func childFailureWithLiveLeaseElsewhereWaits() {
        var machine = Self.ingesting()
        _ = machine.receive(.childExited(.exited(1)), nowMs: 50)
        _ = machine.receive(.stateRead(Self.live(), mountedFingerprint: Self.fingerprint), nowMs: 51)
        #expect(machine.phaseName == "wait-holder")
    }

    @Test func childKilledBySignalIsReportedAsSuch() {
        var machine = Self.ingesting()
        _ = machine.receive(.childExited(.signaled(9)), nowMs: 50)
        let reason = Self.exitReason(machine.receive(.stateRead(nil, mountedFingerprint: Self.fingerprint), nowMs: 51))
        #expect(reason.hasPrefix("ingestion killed by signal 9 (SIGKILL)"))
    }

    @Test func childConfigErrorPassesThrough() {
        var machine = Self.ingesting()
        _ = machine.receive(.childExited(.exited(78)), nowMs: 50)
        #expect(
            Self.exitCode(machine.receive(.stateRead(nil, mountedFingerprint: Self.fingerprint), nowMs: 51))
                == .configuration)
    }

    @Test func ingestRunsAreCapped() {
        var configuration = Self.configuration()
        configuration.maxIngestRuns = 1
        var machine = Machine(configuration: configuration)
        _ = machine.receive(.start, nowMs: 0)
        _ = machine.receive(.dependencyProbed(name: "weaviate", ready: true), nowMs: 1)
        _ = machine.receive(.dependencyProbed(name: "vectorizer", ready: true), nowMs: 2)
        _ = machine.receive(.stateRead(Self.completed(), mountedFingerprint: Self.fingerprint), nowMs: 3)
        _ = machine.receive(.verified(Self.badReport), nowMs: 4)
        _ = machine.receive(.childSpawned(pid: 5), nowMs: 5)
        _ = machine.receive(.childExited(.exited(1)), nowMs: 6)
        _ = machine.receive(.stateRead(Self.live(expiresAtMs: 7), mountedFingerprint: Self.fingerprint), nowMs: 6)
        _ = Self.fire(&machine, nowMs: 8)
        #expect(
            Self.exitCode(
                machine.receive(.stateRead(Self.live(expiresAtMs: 7), mountedFingerprint: Self.fingerprint), nowMs: 8))
                == .needsIngestionOrFailed)
    }

    // MARK: warm path

    @Test func warmVerifiedExitsZeroWithReady() {
        var machine = Self.readingState()
        _ = machine.receive(.stateRead(Self.completed(), mountedFingerprint: Self.fingerprint), nowMs: 30)
        #expect(Self.exitCode(machine.receive(.verified(Self.okReport), nowMs: 40)) == .ready)
    }

    @Test func warmVerifyFailureReingestsWithForce() {
        var machine = Self.readingState()
        _ = machine.receive(.stateRead(Self.completed(), mountedFingerprint: Self.fingerprint), nowMs: 30)
        #expect(Self.nonLog(machine.receive(.verified(Self.badReport), nowMs: 40)).last == .spawnIngest(force: true))
    }

    @Test func verifyErrorExitsOne() {
        var machine = Self.readingState()
        _ = machine.receive(.stateRead(Self.completed(), mountedFingerprint: Self.fingerprint), nowMs: 30)
        #expect(Self.exitCode(machine.receive(.verifyFailed("timeout"), nowMs: 40)) == .tryLater)
    }

    // MARK: termination

    @Test func terminationWhileIngestingForwardsTheSignal() {
        var machine = Self.ingesting()
        #expect(Self.nonLog(machine.receive(.terminationRequested(signal: 15), nowMs: 40)) == [.forwardSignal(15)])
    }

    @Test func terminationBeforeTheChildIsSpawnedIsForwardedOnSpawn() {
        var machine = Self.ingesting(pid: nil)
        _ = machine.receive(.terminationRequested(signal: 15), nowMs: 40)
        #expect(Self.nonLog(machine.receive(.childSpawned(pid: 9), nowMs: 41)) == [.forwardSignal(15)])
    }

    @Test func interruptedChildExitsWithItsMappedCodeWithoutReadingState() {
        var machine = Self.ingesting()
        _ = machine.receive(.terminationRequested(signal: 15), nowMs: 40)
        #expect(Self.exitCode(machine.receive(.childExited(.signaled(15)), nowMs: 41)) == .needsIngestionOrFailed)
    }

    @Test func interruptedChildThatFinishedIsStillVerified() {
        var machine = Self.ingesting()
        _ = machine.receive(.terminationRequested(signal: 15), nowMs: 40)
        #expect(Self.nonLog(machine.receive(.childExited(.exited(0)), nowMs: 41)).last == .runVerify)
    }

    @Test func terminationWhileWaitingExitsOne() {
        var machine = Self.waitingForHolder()
        #expect(Self.exitCode(machine.receive(.terminationRequested(signal: 2), nowMs: 40)) == .tryLater)
    }

    @Test func terminationAfterDoneDoesNothing() {
        var machine = Self.waitingForHolder()
        _ = machine.receive(.terminationRequested(signal: 2), nowMs: 40)
        #expect(machine.receive(.terminationRequested(signal: 2), nowMs: 41).isEmpty)
    }
}

/// A child that exits 1 (busy: another process holds the OS file lock) before the winner's claim is
/// visible in the state: the compose race of several esco-init replicas.
extension SupervisorStateMachineTests {
    @Test func busyChildWithNoLeaseYetPollsInsteadOfExiting() {
        var machine = Self.ingesting()
        _ = machine.receive(.childExited(.exited(1)), nowMs: 50)
        let actions = machine.receive(.stateRead(nil, mountedFingerprint: Self.fingerprint), nowMs: 51)
        #expect(Self.exitCode(actions) == nil)
        #expect(machine.phaseName == "wait-holder")
        #expect(Self.sleeps(actions).count == 1 && Self.sleeps(actions)[0] <= 100)
        _ = Self.fire(&machine, nowMs: 200)
        // The winner's lease has landed by now: wait for it like any waiter.
        _ = machine.receive(.stateRead(Self.live(), mountedFingerprint: Self.fingerprint), nowMs: 201)
        #expect(machine.phaseName == "wait-holder")
    }

    @Test func busyChildrenDoNotUseUpIngestRuns() {
        var machine = Self.ingesting()
        for step in 0..<5 {
            let t = Int64(100 * step)
            _ = machine.receive(.childExited(.exited(1)), nowMs: 50 + t)
            _ = machine.receive(.stateRead(nil, mountedFingerprint: Self.fingerprint), nowMs: 51 + t)
            _ = Self.fire(&machine, nowMs: 52 + t)
            let actions = machine.receive(.stateRead(nil, mountedFingerprint: Self.fingerprint), nowMs: 53 + t)
            #expect(Self.nonLog(actions).last == .spawnIngest(force: false), "attempt \(step)")
            _ = machine.receive(.childSpawned(pid: 100 + Int32(step)), nowMs: 54 + t)
        }
    }

    @Test func busyChildForLongerThanTheWaitDeadlineExitsOne() {
        var machine = Self.ingesting()
        _ = machine.receive(.childExited(.exited(1)), nowMs: 50)
        _ = machine.receive(.stateRead(nil, mountedFingerprint: Self.fingerprint), nowMs: 51)
        _ = Self.fire(&machine, nowMs: 52)
        _ = machine.receive(.stateRead(nil, mountedFingerprint: Self.fingerprint), nowMs: 53)
        _ = machine.receive(.childSpawned(pid: 101), nowMs: 54)
        _ = machine.receive(.childExited(.exited(1)), nowMs: 6_000)
        let actions = machine.receive(.stateRead(nil, mountedFingerprint: Self.fingerprint), nowMs: 6_001)
        #expect(Self.exitCode(actions) == .tryLater)
    }
}
