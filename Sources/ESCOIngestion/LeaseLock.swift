public import ESCOCore
public import ESCORuntime
public import ESCOSystem
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The ingestion lease (docs/ARCHITECTURE.md#state-and-lease) over the state store: claim, settle, confirm; heartbeat
/// with fencing; release by writing the final status. One instance per run.
public actor LeaseLock {
    public struct Settings: Sendable {
        public var ttlMs: Int64
        public var heartbeatMs: Int64
        public var settleMs: Int64
        public init(ttlMs: Int64, heartbeatMs: Int64, settleMs: Int64) {
            self.ttlMs = ttlMs
            self.heartbeatMs = heartbeatMs
            self.settleMs = settleMs
        }
    }

    public enum Acquisition: Sendable {
        case acquired(resumeFrom: [String])
        case busy(IngestionError)
        case alreadyComplete(IngestionState)
    }

    public let store: StateStore
    public let me: Holder
    public let settings: Settings
    public private(set) var state = IngestionState()
    private var sequence = 0
    private var lost: IngestionError?
    private let now: @Sendable () -> Int64

    public init(
        store: StateStore, me: Holder, settings: Settings, now: @escaping @Sendable () -> Int64 = WallClock.nowMs
    ) {
        self.store = store
        self.me = me
        self.settings = settings
        self.now = now
    }

    /// Claim, settle, read back. Weaviate has no compare-and-set, so this is Fischer's protocol: it gives one holder
    /// only if no claim lands later than the settle period after the read it was based on. A claim of ours that took
    /// that long (a loaded host, a slow Weaviate) may have landed after another runner on another host confirmed; that
    /// runner keeps its lease (`LeaseDecision.stillHeld`) and rewrites the state at every heartbeat. So such a claim
    /// reads back only after one heartbeat interval more: if it is still ours then, nobody confirmed before it.
    /// - Parameter vectorizer: the live vectorizer's identity, recorded with the state. Data of the same
    ///   fingerprint made by another identity (an image swapped under an unchanged configuration) is neither
    ///   complete nor resumable: its vectors cannot be mixed with the new ones.
    /// - Parameter datasetVersion: the ESCO version of the mounted data, recorded with the generation it builds.
    public func acquire(
        fingerprint: String, force: Bool, stepCount: Int, vectorizer: VectorizerIdentity, datasetVersion: String = ""
    ) async throws -> Acquisition {
        let readStarted = ContinuousClock.now
        let settle = Duration.milliseconds(settings.settleMs)
        let current = try await store.read()
        let otherModel = current.map { $0.fingerprint == fingerprint && $0.vectorizer != vectorizer } ?? false
        // Data kept as a previous generation (rolled back from, or superseded) is not rebuilt unless forced: the
        // operator chose what serves (docs/ARCHITECTURE.md#aliases).
        if let current, !force, !otherModel, current.status == .completed, current.generations.keeps(fingerprint) {
            return .alreadyComplete(current)
        }
        let decision = LeaseDecision.decide(
            current: current, runId: me.runId, fingerprint: fingerprint, force: force || otherModel, nowMs: now(),
            holderIsDeadOnThisHost: current.map(Self.holderIsDeadOnThisHost) ?? false)
        switch decision {
        case .alreadyComplete:
            return .alreadyComplete(current!)
        case .busy(let holder, let runId, let since, let expires):
            return .busy(Self.busyError(holder: holder, runId: runId, sinceMs: since, expiresAtMs: expires))
        case .claim(let generation, let checkpoints):
            // The data generation to build (docs/ARCHITECTURE.md#aliases): checkpoints count only when this run
            // continues the build they were recorded for, into the same classes.
            var generations = current?.generations ?? Generations()
            let building = generations.generationToBuild(fingerprint: fingerprint, datasetVersion: datasetVersion)
            let resume = generations.building == building ? checkpoints : []
            generations.building = building
            let t = now()
            state = IngestionState(
                status: .inProgress, runId: me.runId, holder: me.description, generation: generation,
                leaseExpiresAtMs: t + settings.ttlMs, heartbeatAtMs: t, startedAtMs: t, stepCount: stepCount,
                fingerprint: fingerprint, counts: current?.fingerprint == fingerprint ? current?.counts ?? [:] : [:],
                completedSteps: resume, vectorizer: vectorizer, generations: generations)
            try await record("claimed generation \(generation) building data generation \(building.name)")
            let took = ContinuousClock.now - readStarted
            try await Task.sleep(
                for: settle > .zero && took >= settle
                    ? settle + .milliseconds(settings.heartbeatMs) + took * 2 : settle)
            let readBack = try await store.read()
            guard LeaseDecision.confirmed(readBack: readBack, runId: me.runId, generation: generation) else {
                let other = readBack ?? IngestionState()
                return .busy(
                    Self.busyError(
                        holder: other.holder, runId: other.runId, sinceMs: other.startedAtMs,
                        expiresAtMs: other.leaseExpiresAtMs, raced: true))
            }
            return .acquired(resumeFrom: resume)
        }
    }

    /// Re-reads the state and renews the lease; throws `leaseLost` (and remembers it) when fenced.
    public func heartbeat() async throws {
        if let lost { throw lost }
        let readBack = try await store.read()
        guard LeaseDecision.stillHeld(readBack: readBack, runId: me.runId, generation: state.generation) else {
            let other = readBack ?? IngestionState()
            let e = IngestionError(
                .leaseLost,
                "lease lost: run \(other.runId) (\(other.holder), generation \(other.generation)) took over; stopping writes",
                hint: "another ingestion considered this run dead; its result stands")
            lost = e
            throw e
        }
        let t = now()
        state.heartbeatAtMs = t
        state.leaseExpiresAtMs = t + settings.ttlMs
        try await store.writeCurrent(state, nowMs: t)
    }

    /// Throws if a heartbeat found the lease lost: callers check before every write batch.
    public func checkHeld() throws { if let lost { throw lost } }

    public func setStep(_ step: IngestionStep, index: Int, total: Int) async throws {
        try checkHeld()
        state.step = step.rawValue
        state.stepIndex = index
        state.itemsDone = 0
        state.itemsTotal = total
        try await record("step \(index)/\(state.stepCount) \(step.rawValue) started")
    }

    public func progress(done: Int) { state.itemsDone = done }

    /// Expected per-class counts and the verification sample for this dataset, stored with the state so
    /// that `esco status` and a warm `esco-supervise verify` need not re-read the dataset.
    public func setExpectations(counts: [String: Int], referenceSample: [String]) {
        state.counts = counts
        state.referenceSample = referenceSample
        state.generations.building?.counts = counts
        state.generations.building?.referenceSample = referenceSample
    }

    public func completeStep(_ step: IngestionStep) async throws {
        try checkHeld()
        if !state.completedSteps.contains(step.rawValue) { state.completedSteps.append(step.rawValue) }
        state.itemsDone = state.itemsTotal
        try await record("step \(step.rawValue) finished")
    }

    /// Final write: completed, or failed with the error and the step it happened in. `generations`, when given, is
    /// the record after the switch, written in the same (atomic) object write as the status.
    public func finish(status: IngestionStatus, error: String = "", generations: Generations? = nil) async throws {
        if lost != nil { return }  // never overwrite the new holder's state
        if let generations { state.generations = generations }
        let t = now()
        state.status = status
        state.error = error
        state.endedAtMs = t
        state.heartbeatAtMs = t
        state.leaseExpiresAtMs = t
        try await record(status == .completed ? "completed" : "\(status.rawValue): \(error)")
    }

    public func snapshot() -> IngestionState { state }

    public enum RollbackOutcome: Sendable {
        case rolledBack(from: DataGeneration, to: DataGeneration)
        /// No previous generation is kept (the reason).
        case nothingToRollBackTo(String)
        case busy(IngestionError)
    }

    /// `esco rollback` (docs/ARCHITECTURE.md#aliases): under the lease, so no ingestion switches at the same time,
    /// serving goes back to the newest previous generation. The lease is claimed as for an ingestion (claim, settle,
    /// read back), `publish` points the aliases at the target, and one state write switches the readers and
    /// releases the lease. The generation that served becomes the newest previous: a second rollback goes forward.
    public func rollback(publish: @Sendable (Int) async throws -> String) async throws -> RollbackOutcome {
        let readStarted = ContinuousClock.now
        guard let current = try await store.read() else {
            return .nothingToRollBackTo("no ingestion state in Weaviate: nothing was ever ingested")
        }
        if current.leaseIsLive(nowMs: now()), current.runId != me.runId, !Self.holderIsDeadOnThisHost(current) {
            return .busy(
                Self.busyError(
                    holder: current.holder, runId: current.runId, sinceMs: current.startedAtMs,
                    expiresAtMs: current.leaseExpiresAtMs))
        }
        guard let from = current.generations.serving, let rolled = current.generations.rolledBack(),
            let target = rolled.serving
        else {
            return .nothingToRollBackTo(
                "no previous data generation is kept (serving: \(current.generations.serving?.summary ?? "none"))")
        }
        let t = now()
        state = current
        state.status = .inProgress
        state.runId = me.runId
        state.holder = me.description
        state.generation = current.generation + 1
        (state.startedAtMs, state.heartbeatAtMs, state.leaseExpiresAtMs) = (t, t, t + settings.ttlMs)
        (state.step, state.stepIndex, state.stepCount, state.error) = ("rollback", 1, 1, "")
        try await record(
            "claimed generation \(state.generation) to roll back from \(from.name) to \(target.name)")
        let took = ContinuousClock.now - readStarted
        let settle = Duration.milliseconds(settings.settleMs)
        try await Task.sleep(
            for: settle > .zero && took >= settle ? settle + .milliseconds(settings.heartbeatMs) + took * 2 : settle)
        let readBack = try await store.read()
        guard LeaseDecision.confirmed(readBack: readBack, runId: me.runId, generation: state.generation) else {
            let other = readBack ?? IngestionState()
            return .busy(
                Self.busyError(
                    holder: other.holder, runId: other.runId, sinceMs: other.startedAtMs,
                    expiresAtMs: other.leaseExpiresAtMs, raced: true))
        }
        do {
            _ = try await publish(target.number)
        } catch {
            // Nothing switched: the state as it was, with the lease released.
            var restored = current
            (restored.generation, restored.leaseExpiresAtMs) = (state.generation, now())
            state = restored
            try? await record("rollback to \(target.name) failed: \(error)")
            throw error
        }
        (state.fingerprint, state.counts, state.referenceSample) = (
            target.fingerprint, target.counts, target.referenceSample
        )
        let t2 = now()
        (state.status, state.endedAtMs, state.heartbeatAtMs, state.leaseExpiresAtMs) = (.completed, t2, t2, t2)
        state.generations = rolled
        try await record("rolled back from \(from.name) to \(target.name)")
        return .rolledBack(from: from, to: target)
    }

    private func record(_ event: String) async throws {
        sequence += 1
        let t = now()
        state.heartbeatAtMs = t
        if state.status == .inProgress { state.leaseExpiresAtMs = t + settings.ttlMs }
        try await store.write(state, event: event, sequence: sequence, nowMs: t)
    }

    static func busyError(holder: String, runId: String, sinceMs: Int64, expiresAtMs: Int64, raced: Bool = false)
        -> IngestionError
    {
        IngestionError(
            .busy,
            (raced ? "another ingestion claimed the lease at the same time: " : "another ingestion is in progress: ")
                + "held by \(holder) (run \(runId)) since \(RFC3339.format(sinceMs)), lease expires \(RFC3339.format(expiresAtMs))",
            hint: "wait for it (esco status), or if that process is known dead run `esco unlock --force`")
    }

    /// Same host name and the pid no longer exists: the holder died without releasing.
    static func holderIsDeadOnThisHost(_ s: IngestionState) -> Bool {
        guard s.status == .inProgress, let colon = s.holder.lastIndex(of: ":"),
            let pid = Int32(s.holder[s.holder.index(after: colon)...])
        else { return false }
        guard String(s.holder[..<colon]) == Holder.hostName, pid > 0 else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }
}

extension LeaseLock {
    /// `esco unlock --force`: the operator's repair for a lease whose holder is known dead. Marks the run
    /// failed and bumps the generation, so the old holder, should it still be alive, is fenced off.
    public static func forceUnlock(store: StateStore, by me: Holder, nowMs: Int64 = WallClock.nowMs()) async throws
        -> IngestionState?
    {
        guard var s = try await store.read(), s.status == .inProgress else { return nil }
        let previous = s
        s.status = .failed
        s.error =
            "lease of run \(previous.runId) (\(previous.holder)) released by operator \(me.description) with esco unlock --force"
        s.generation += 1
        s.leaseExpiresAtMs = nowMs
        s.endedAtMs = nowMs
        try await store.write(s, event: "unlocked by operator", sequence: 1, nowMs: nowMs)
        return previous
    }
}
