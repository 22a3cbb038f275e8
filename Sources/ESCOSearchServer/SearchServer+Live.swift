import ESCOClients
public import ESCOConfig
import ESCOCore
public import ESCOIngestion
public import ESCOMetrics
import ESCOSearch
public import Logging

extension SearchServer {
    /// The server over the real Weaviate and vectorizer of `config`. The mounted dataset's fingerprint is
    /// computed once here (reading every file of `data.path`); when the dataset is not mounted, readiness
    /// checks the ingestion status only, and says so. Readiness also compares the live vectorizer's identity
    /// with the one stored at ingestion.
    public static func live(config: ESCOConfiguration, logger: Logger) -> SearchServer {
        let clients = ServiceClients(config: config, logger: logger)
        let store = clients.store
        let metrics = SearchMetrics()
        let backend = InstrumentedSearchBackend(
            WeaviateSearchBackend(
                weaviate: clients.weaviate, vectorizer: clients.vectorizerClient,
                stateReader: { try await store.read() }),
            metrics: metrics)
        var expected: String?
        var note: String?
        do {
            expected = try clients.mountedFingerprint()
        } catch {
            note = "cannot read the dataset at \(config.data.path): \(error)"
            logger.warning("dataset not readable; readiness checks the ingestion status only",
                           metadata: ["data": "\(config.data.path)", "error": "\(error)"])
        }
        let readiness = Self.readiness(
            clients: clients, expectedFingerprint: expected, fingerprintNote: note, metrics: metrics)
        var server = SearchServer(
            engine: SearchEngine(backend: backend), readiness: readiness, logger: logger, metrics: metrics)
        server.ingestionSnapshot = ingestionSnapshots(store: store, expectedFingerprint: expected, metrics: metrics)
        return server
    }

    /// What `/metrics` reports of the ingestion: the state, and the history for the last completion, both
    /// read from `store` and counted as Weaviate calls.
    public static func ingestionSnapshots(store: StateStore, expectedFingerprint: String?, metrics: SearchMetrics)
        -> @Sendable () async -> IngestionSnapshot
    {
        {
            await IngestionSnapshot.read(
                nowMs: RFC3339.nowMs(), mountedFingerprint: expectedFingerprint,
                current: { try await metrics.call(.weaviate, "read_state") { try await store.read() } },
                history: {
                    try await metrics.call(.weaviate, "read_history") {
                        try await store.history(limit: 64).map(\.state)
                    }
                })
        }
    }

    /// `/readyz` over the stored state and the live vectorizer of `clients`.
    /// With `metrics`, its reads count as Weaviate `read_state` and vectorizer `identity` calls.
    public static func readiness(
        clients: ServiceClients, expectedFingerprint: String?, fingerprintNote: String? = nil, cacheSeconds: Double = 2,
        metrics: SearchMetrics? = nil
    ) -> Readiness {
        let store = clients.store
        let vectorizer = clients.vectorizerClient
        return Readiness(
            expectedFingerprint: expectedFingerprint, fingerprintNote: fingerprintNote, cacheSeconds: cacheSeconds,
            liveVectorizer: {
                guard let metrics else { return try await vectorizer.identity(refresh: true) }
                return try await metrics.call(.vectorizer, "identity") { try await vectorizer.identity(refresh: true) }
            }
        ) {
            guard let metrics else { return try await store.read() }
            return try await metrics.call(.weaviate, "read_state") { try await store.read() }
        }
    }
}
