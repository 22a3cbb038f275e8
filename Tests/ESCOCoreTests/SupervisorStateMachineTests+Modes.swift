import Testing

@testable import ESCOCore

/// The `status` and `verify` modes (one state read or verification, no waiting, and the exit code it maps to), and
/// the backoff the waits draw their delays from.
extension SupervisorStateMachineTests {
    static func status(_ state: IngestionState?, nowMs: Int64 = 30) -> [Machine.Action] {
        var machine = Machine(configuration: configuration(.status))
        _ = machine.receive(.start, nowMs: 0)
        return machine.receive(.stateRead(state, mountedFingerprint: fingerprint), nowMs: nowMs)
    }

    @Test func statusStartsWithAStateReadOnly() {
        var machine = Machine(configuration: Self.configuration(.status))
        #expect(machine.receive(.start, nowMs: 0) == [.readState])
    }

    @Test func statusCompletedIsZero() { #expect(Self.exitCode(Self.status(Self.completed())) == .ready) }
    @Test func statusLiveIsOne() { #expect(Self.exitCode(Self.status(Self.live())) == .tryLater) }
    @Test func statusStaleIsTwo() {
        #expect(Self.exitCode(Self.status(Self.live(expiresAtMs: 1))) == .needsIngestionOrFailed)
    }
    @Test func statusOutdatedIsTwo() {
        #expect(Self.exitCode(Self.status(Self.completed("old"))) == .needsIngestionOrFailed)
    }
    @Test func statusNoStateIsTwo() { #expect(Self.exitCode(Self.status(nil)) == .needsIngestionOrFailed) }
    @Test func statusNeverNotifies() {
        #expect(!Self.status(Self.completed()).contains { if case .notify = $0 { true } else { false } })
    }

    @Test func statusReadFailureIsOne() {
        var machine = Machine(configuration: Self.configuration(.status))
        _ = machine.receive(.start, nowMs: 0)
        #expect(Self.exitCode(machine.receive(.stateReadFailed("refused"), nowMs: 1)) == .tryLater)
    }

    @Test func verifyModeRunsTheVerifier() {
        var machine = Machine(configuration: Self.configuration(.verify))
        #expect(machine.receive(.start, nowMs: 0) == [.runVerify])
    }

    @Test func verifyModeFailureIsTwo() {
        var machine = Machine(configuration: Self.configuration(.verify))
        _ = machine.receive(.start, nowMs: 0)
        #expect(Self.exitCode(machine.receive(.verified(Self.badReport), nowMs: 1)) == .needsIngestionOrFailed)
    }

    @Test func verifyModeNeverSendsReady() {
        var machine = Machine(configuration: Self.configuration(.verify))
        _ = machine.receive(.start, nowMs: 0)
        let actions = machine.receive(.verified(Self.okReport), nowMs: 1)
        #expect(Self.nonLog(actions) == [.exit(.ready, .verified)] && Self.exitReason(actions) == "verified")
    }

    // MARK: backoff

    @Test func backoffCeilingDoublesUpToTheMax() {
        #expect(
            (0..<7).map { SupervisorBackoff.ceilingMs(attempt: $0, initialMs: 250, maxMs: 5_000) }
                == [250, 500, 1_000, 2_000, 4_000, 5_000, 5_000])
    }

    @Test func backoffCeilingDoesNotOverflow() {
        #expect(SupervisorBackoff.ceilingMs(attempt: 10_000, initialMs: 250, maxMs: 5_000) == 5_000)
    }

    @Test func fullJitterScalesTheCeiling() {
        #expect(SupervisorBackoff.delayMs(attempt: 2, initialMs: 250, maxMs: 5_000, unit: 0.5) == 500)
    }

    @Test func jitterUnitsStayInRange() {
        var jitter = SupervisorJitter(seed: 7)
        #expect((0..<1_000).map { _ in jitter.nextUnit() }.allSatisfy { $0 >= 0 && $0 < 1 })
    }
}
