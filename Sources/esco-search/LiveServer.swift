import ESCOClients
import ESCOConfig
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
        let backend = WeaviateSearchBackend(
            weaviate: clients.weaviate, vectorizer: clients.vectorizerClient, stateReader: { try await store.read() })
        var expected: String?
        var note: String?
        do {
            expected = try clients.mountedFingerprint()
        } catch {
            note = "cannot read the dataset at \(config.data.path): \(error)"
            logger.warning("dataset not readable; readiness checks the ingestion status only",
                           metadata: ["data": "\(config.data.path)", "error": "\(error)"])
        }
        let readiness = Self.readiness(clients: clients, expectedFingerprint: expected, fingerprintNote: note)
        return SearchServer(engine: SearchEngine(backend: backend), readiness: readiness, logger: logger)
    }

    /// `/readyz` over the stored state and the live vectorizer of `clients`.
    static func readiness(
        clients: ServiceClients, expectedFingerprint: String?, fingerprintNote: String? = nil, cacheSeconds: Double = 2
    ) -> Readiness {
        let store = clients.store
        let vectorizer = clients.vectorizerClient
        return Readiness(
            expectedFingerprint: expectedFingerprint, fingerprintNote: fingerprintNote, cacheSeconds: cacheSeconds,
            liveVectorizer: { try await vectorizer.identity(refresh: true) }
        ) { try await store.read() }
    }
}
