import Testing

@testable import ESCOCore

@Suite struct LeaseDecisionTests {
    let fp = "fp-1"

    func state(
        _ status: IngestionStatus, runId: String = "other", generation: Int = 3, expires: Int64 = 10_000,
        fingerprint: String = "fp-1", completed: [String] = ["skills"]
    ) -> IngestionState {
        IngestionState(
            status: status, runId: runId, holder: "host-b:42", generation: generation, leaseExpiresAtMs: expires,
            startedAtMs: 500, fingerprint: fingerprint, completedSteps: completed)
    }

    @Test func noStateClaimsGenerationOne() {
        #expect(
            LeaseDecision.decide(current: nil, runId: "me", fingerprint: fp, force: false, nowMs: 0)
                == .claim(generation: 1, resumeFrom: []))
    }

    @Test func liveLeaseOfAnotherRunIsBusy() {
        let d = LeaseDecision.decide(
            current: state(.inProgress), runId: "me", fingerprint: fp, force: false, nowMs: 9_999)
        #expect(d == .busy(holder: "host-b:42", runId: "other", sinceMs: 500, expiresAtMs: 10_000))
    }

    @Test func expiredLeaseIsTakenOverWithNextGenerationAndCheckpoints() {
        let d = LeaseDecision.decide(
            current: state(.inProgress), runId: "me", fingerprint: fp, force: false, nowMs: 10_000)
        #expect(d == .claim(generation: 4, resumeFrom: ["skills"]))
    }

    @Test func forceIgnoresCheckpointsButNotALiveLease() {
        #expect(
            LeaseDecision.decide(current: state(.failed), runId: "me", fingerprint: fp, force: true, nowMs: 0)
                == .claim(generation: 4, resumeFrom: []))
        if case .busy = LeaseDecision.decide(
            current: state(.inProgress), runId: "me", fingerprint: fp, force: true, nowMs: 0)
        {
        } else {
            Issue.record("a forced run must still respect a live lease")
        }
    }

    @Test func deadHolderOnThisHostIsTakenOverAtOnce() {
        let d = LeaseDecision.decide(
            current: state(.inProgress), runId: "me", fingerprint: fp, force: false, nowMs: 0,
            holderIsDeadOnThisHost: true)
        #expect(d == .claim(generation: 4, resumeFrom: ["skills"]))
    }

    @Test func completedSameFingerprintIsAlreadyComplete() {
        #expect(
            LeaseDecision.decide(current: state(.completed), runId: "me", fingerprint: fp, force: false, nowMs: 0)
                == .alreadyComplete)
    }

    @Test func completedOtherFingerprintRebuildsFromScratch() {
        let d = LeaseDecision.decide(
            current: state(.completed, fingerprint: "old"), runId: "me", fingerprint: fp, force: false, nowMs: 0)
        #expect(d == .claim(generation: 4, resumeFrom: []))
    }

    @Test func confirmationNeedsOwnRunAndGeneration() {
        #expect(
            LeaseDecision.confirmed(
                readBack: state(.inProgress, runId: "me", generation: 4), runId: "me", generation: 4))
        #expect(
            !LeaseDecision.confirmed(
                readBack: state(.inProgress, runId: "x", generation: 4), runId: "me", generation: 4))
        #expect(!LeaseDecision.confirmed(readBack: nil, runId: "me", generation: 4))
    }

    @Test func newerGenerationFencesTheOldHolder() {
        #expect(
            !LeaseDecision.stillHeld(
                readBack: state(.inProgress, runId: "me", generation: 5), runId: "me", generation: 4))
        #expect(
            LeaseDecision.stillHeld(
                readBack: state(.inProgress, runId: "me", generation: 4), runId: "me", generation: 4))
        #expect(
            !LeaseDecision.stillHeld(
                readBack: state(.inProgress, runId: "x", generation: 5), runId: "me", generation: 4))
        #expect(!LeaseDecision.stillHeld(readBack: nil, runId: "me", generation: 4))
    }

    /// A racer from another host whose claim of the same generation landed after ours was confirmed backs off
    /// (its claim was slower than the settle period), so it does not take the lease from the confirmed holder.
    @Test func aLateClaimOfTheSameGenerationDoesNotFenceTheConfirmedHolder() {
        #expect(
            LeaseDecision.stillHeld(
                readBack: state(.inProgress, runId: "late", generation: 4), runId: "me", generation: 4))
        // A state that is no longer in progress (an operator's unlock marks the run failed) always fences.
        #expect(
            !LeaseDecision.stillHeld(readBack: state(.failed, runId: "op", generation: 4), runId: "me", generation: 4))
    }

    @Test func derivedStatus() {
        #expect(state(.inProgress).derivedStatus(nowMs: 10_001, mountedFingerprint: fp) == .stale)
        #expect(state(.completed).derivedStatus(nowMs: 0, mountedFingerprint: "new") == .outdated)
        #expect(state(.completed).derivedStatus(nowMs: 0, mountedFingerprint: fp) == .completed)
        #expect(IngestionStatus.stale.exitCode == .needsIngestionOrFailed)
    }
}

@Suite struct IngestionPlanTests {
    @Test func resumedPlanSkipsCheckpointedStepsButNotSchemaOrVerify() {
        let plan = IngestionPlan(labelVectors: true, completedSteps: ["schema", "skills", "verify", "isco-groups"])
        #expect(plan.skipped == [.iscoGroups, .skills])
        #expect(plan.numbered.first?.count == IngestionStep.allCases.count)
    }

    @Test func labelsStepOnlyWithLabelVectors() {
        #expect(!IngestionPlan(labelVectors: false, completedSteps: []).steps.contains(.labels))
    }

    @Test func embeddingTextRecipe() {
        #expect(
            EmbeddingRecipe.conceptText(preferredLabel: "a", altLabels: ["b", "c"], description: " d\u{00A0} e ")
                == "a. b, c. d e")
        #expect(EmbeddingRecipe.conceptText(preferredLabel: "a", altLabels: [], description: "") == "a")
    }
}
