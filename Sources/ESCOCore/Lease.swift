/// Lease-lock decisions (docs/ARCHITECTURE.md#state-and-lease), pure: the state store performs the reads and writes.
///
/// Weaviate has no compare-and-set, so acquisition is "write a claim, wait a settle period, read back":
/// of several racers, the last writer wins and every other one sees a claim that is not its own.
/// The generation is a fencing token: a holder that reads a newer generation stops writing at once.
public enum LeaseDecision: Sendable, Hashable {
    /// Write a claim with this generation, then confirm after the settle period.
    case claim(generation: Int, resumeFrom: [String])
    /// Someone else holds a live lease.
    case busy(holder: String, runId: String, sinceMs: Int64, expiresAtMs: Int64)
    /// Data for this fingerprint is complete and no re-ingestion was forced.
    case alreadyComplete

    /// Decide whether `runId` may start ingesting `fingerprint`.
    /// - Parameter holderIsDeadOnThisHost: the current holder is known dead (same host, process gone).
    public static func decide(
        current: IngestionState?, runId: String, fingerprint: String, force: Bool, nowMs: Int64,
        holderIsDeadOnThisHost: Bool = false
    ) -> LeaseDecision {
        guard let current else { return .claim(generation: 1, resumeFrom: []) }
        if current.leaseIsLive(nowMs: nowMs), current.runId != runId, !holderIsDeadOnThisHost {
            return .busy(
                holder: current.holder, runId: current.runId, sinceMs: current.startedAtMs,
                expiresAtMs: current.leaseExpiresAtMs)
        }
        if current.status == .completed, current.fingerprint == fingerprint, !force {
            return .alreadyComplete
        }
        // Checkpoints only count for the same data and recipe, and never when a rebuild is forced.
        let resume = (!force && current.fingerprint == fingerprint) ? current.completedSteps : []
        return .claim(generation: current.generation + 1, resumeFrom: resume)
    }

    /// After the settle period: is the claim ours?
    public static func confirmed(readBack: IngestionState?, runId: String, generation: Int) -> Bool {
        guard let readBack else { return false }
        return readBack.runId == runId && readBack.generation == generation && readBack.status == .inProgress
    }

    /// At a heartbeat: may the holder keep writing? False when a newer generation holds it (a takeover of an expired
    /// lease, or `esco unlock --force`, always bumps the generation).
    ///
    /// Another run's claim of the *same* generation does not fence: only a racer that read the state before our claim
    /// writes that generation, and one whose claim lands after we confirmed took longer than the settle period, so it
    /// reads back only after a heartbeat interval (`LeaseLock.acquire`). The holder keeps the lease and its next write,
    /// at the latest that heartbeat, restores it: the racer then reads the holder's claim and backs off.
    public static func stillHeld(readBack: IngestionState?, runId: String, generation: Int) -> Bool {
        guard let readBack else { return false }
        if readBack.runId == runId { return readBack.generation == generation }
        return readBack.generation == generation && readBack.status == .inProgress
    }
}
