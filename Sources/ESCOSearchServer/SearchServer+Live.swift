public import ESCOConfig
import ESCOIngestion
import ESCOSearch
public import Logging

extension SearchServer {
    /// The server over the real Weaviate and vectorizer of `config`. The mounted dataset's fingerprint is
    /// computed once here (reading every file of `data.path`); when the dataset is not mounted, readiness
    /// checks the ingestion status only, and says so.
    public static func live(config: ESCOConfiguration, logger: Logger) -> SearchServer {
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
        let readiness = Readiness(expectedFingerprint: expected, fingerprintNote: note) { try await store.read() }
        return SearchServer(engine: SearchEngine(backend: backend), readiness: readiness, logger: logger)
    }
}
