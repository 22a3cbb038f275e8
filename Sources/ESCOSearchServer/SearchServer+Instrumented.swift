public import ESCOCore
public import ESCOMetrics
import ESCOSystem

/// The instrumented wiring of readiness and the ingestion gauges, in terms of the state reads only: esco-search's
/// composition root passes its state store, and the tests pass the same store of their stand-ins, so both run
/// exactly this code.
extension Readiness {
    /// `/readyz` over `readState` and `liveVectorizer`; with `metrics`, the reads count as Weaviate `read_state` and
    /// vectorizer `identity` calls.
    public static func instrumented(
        expectedFingerprint: String?, fingerprintNote: String? = nil, cacheSeconds: Double = 2,
        metrics: SearchMetrics?,
        liveVectorizer: @escaping @Sendable () async throws -> VectorizerIdentity,
        readState: @escaping @Sendable () async throws -> IngestionState?
    ) -> Readiness {
        Readiness(
            expectedFingerprint: expectedFingerprint, fingerprintNote: fingerprintNote, cacheSeconds: cacheSeconds,
            liveVectorizer: {
                guard let metrics else { return try await liveVectorizer() }
                return try await metrics.call(.vectorizer, "identity") { try await liveVectorizer() }
            }
        ) {
            guard let metrics else { return try await readState() }
            return try await metrics.call(.weaviate, "read_state") { try await readState() }
        }
    }
}

extension SearchServer {
    /// What `/metrics` reports of the ingestion: the state, and the history for the last completion, both counted
    /// as Weaviate calls.
    public static func ingestionSnapshots(
        expectedFingerprint: String?, metrics: SearchMetrics,
        readState: @escaping @Sendable () async throws -> IngestionState?,
        readHistory: @escaping @Sendable () async throws -> [IngestionState]
    ) -> @Sendable () async -> IngestionSnapshot {
        {
            await IngestionSnapshot.read(
                nowMs: WallClock.nowMs(), mountedFingerprint: expectedFingerprint,
                current: { try await metrics.call(.weaviate, "read_state") { try await readState() } },
                history: { try await metrics.call(.weaviate, "read_history") { try await readHistory() } })
        }
    }
}
