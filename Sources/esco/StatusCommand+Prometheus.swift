import ArgumentParser
import ESCOCore
import ESCOMetrics
import ESCORuntime
import ESCOSystem

/// `esco status --format`.
enum StatusFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
    case prometheus
}

extension StatusCommand {
    /// The ingestion gauges esco-search's `/metrics` shows, rendered by the same code (`IngestionGauges`), for
    /// hosts that run only the supervisor: `esco status --format prometheus > DIR/esco.prom.tmp` then `mv`.
    /// Weaviate unreachable is a gauge (`esco_ingestion_state_readable 0`), not a missing file.
    static func prometheus(store: StateStore, mountedFingerprint: String?) async -> String {
        let snapshot = await IngestionSnapshot.read(
            nowMs: WallClock.nowMs(), mountedFingerprint: mountedFingerprint,
            current: { try await store.read() },
            history: { try await store.history(limit: 64).map(\.state) })
        return IngestionGauges.render(snapshot)
    }
}
