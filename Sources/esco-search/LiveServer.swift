import ESCOClients
import ESCOConfig
import ESCOMetrics
import ESCORuntime
import ESCOSearch
import ESCOSearchServer
import Logging

extension SearchServer {
    /// esco-search's composition root: the server over the real Weaviate and vectorizer of `config`. The mounted dataset's fingerprint is
    /// computed once here (reading every file of `data.path`); when the dataset is not mounted, readiness
    /// checks the ingestion status only, and says so. Readiness also compares the live vectorizer's identity
    /// with the one stored at ingestion.
    static func live(config: ESCOConfiguration, logger: Logger) -> SearchServer {
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
            logger.warning(
                "dataset not readable; readiness checks the ingestion status only",
                metadata: ["data": "\(config.data.path)", "error": "\(error)"])
        }
        let readiness = Self.readiness(
            clients: clients, expectedFingerprint: expected, fingerprintNote: note, metrics: metrics)
        var server = SearchServer(
            engine: SearchEngine(backend: backend), readiness: readiness, logger: logger, metrics: metrics)
        server.ingestionSnapshot = ingestionSnapshots(store: store, expectedFingerprint: expected, metrics: metrics)
        return server
    }

    /// What `/metrics` reports of the ingestion, read from `store`.
    static func ingestionSnapshots(store: StateStore, expectedFingerprint: String?, metrics: SearchMetrics)
        -> @Sendable () async -> IngestionSnapshot
    {
        ingestionSnapshots(
            expectedFingerprint: expectedFingerprint, metrics: metrics, readState: { try await store.read() },
            readHistory: { try await store.history(limit: 64).map(\.state) })
    }

    /// `/readyz` over the stored state and the live vectorizer of `clients`.
    /// With `metrics`, its reads count as Weaviate `read_state` and vectorizer `identity` calls.
    static func readiness(
        clients: ServiceClients, expectedFingerprint: String?, fingerprintNote: String? = nil, cacheSeconds: Double = 2,
        metrics: SearchMetrics? = nil
    ) -> Readiness {
        let store = clients.store
        let vectorizer = clients.vectorizerClient
        return .instrumented(
            expectedFingerprint: expectedFingerprint, fingerprintNote: fingerprintNote, cacheSeconds: cacheSeconds,
            metrics: metrics, liveVectorizer: { try await vectorizer.identity(refresh: true) },
            readState: { try await store.read() })
    }
}
