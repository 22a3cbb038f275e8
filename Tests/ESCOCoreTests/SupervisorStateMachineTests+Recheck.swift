import Testing

@testable import ESCOCore

/// Data another runner completed while this one waited: on a replicated Weaviate a replica may lag behind the
/// writes a quorum acknowledged, so a failed check is repeated before the data is rebuilt (issue 18).
extension SupervisorStateMachineTests {
    /// Waited for a holder, then read the state as completed: verifying the other runner's data.
    static func verifyingOthersData() -> Machine {
        var machine = Self.waitingForHolder()
        _ = Self.fire(&machine, nowMs: 200)
        _ = machine.receive(.stateRead(Self.completed(), mountedFingerprint: Self.fingerprint), nowMs: 210)
        return machine
    }

    @Test func othersDataThatFailsACheckIsCheckedAgainAfterADelay() {
        var machine = Self.verifyingOthersData()
        let actions = Self.nonLog(machine.receive(.verified(Self.badReport), nowMs: 220))
        #expect(actions.count == 1 && Self.timers(actions).map { [$0.delayMs: $0.reason] } == [[100: .recheck]])
        #expect(Self.nonLog(Self.fire(&machine, nowMs: 330)) == [.runVerify])
    }

    @Test func othersDataThatPassesOnASecondCheckIsReady() {
        var machine = Self.verifyingOthersData()
        _ = machine.receive(.verified(Self.badReport), nowMs: 220)
        _ = Self.fire(&machine, nowMs: 330)
        #expect(Self.exitCode(machine.receive(.verified(Self.okReport), nowMs: 340)) == .ready)
    }

    @Test func othersDataIsRebuiltAfterEveryRecheckFailed() {
        var machine = Self.verifyingOthersData()
        var delays: [Int64] = []
        for attempt in 0..<Machine.recheckAttempts {
            let actions = machine.receive(.verified(Self.badReport), nowMs: 400 + Int64(attempt))
            delays += Self.sleeps(actions)
            _ = Self.fire(&machine, nowMs: 500 + Int64(attempt))
        }
        #expect(delays == [100, 200, 400, 800, 1_000], "growing, capped at pollMaxMs")
        #expect(Self.nonLog(machine.receive(.verified(Self.badReport), nowMs: 900)).last == .spawnIngest(force: true))
    }

    @Test func aWarmStartWithoutWaitingRebuildsAtOnce() {
        var machine = Self.readingState()
        _ = machine.receive(.stateRead(Self.completed(), mountedFingerprint: Self.fingerprint), nowMs: 30)
        #expect(Self.nonLog(machine.receive(.verified(Self.badReport), nowMs: 40)).last == .spawnIngest(force: true))
    }
}
