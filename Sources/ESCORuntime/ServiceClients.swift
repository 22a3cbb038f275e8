public import ESCOClients
public import ESCOConfig
import ESCOCore
public import ESCODataset
public import Logging

/// The clients every command builds from one configuration: Weaviate, the state store on it, and the
/// caching vectorizer. Building them does no I/O except creating the vector cache directory.
public struct ServiceClients: Sendable {
    public let config: ESCOConfiguration
    public let weaviate: WeaviateClient
    public let gateway: WeaviateGateway
    public let store: StateStore
    public let vectorizerClient: VectorizerClient

    public init(config: ESCOConfiguration, logger: Logger) {
        self.config = config
        self.weaviate = WeaviateClient(configuration: config.weaviate, logger: logger)
        self.gateway = WeaviateGateway(client: weaviate, schemaDirectory: config.weaviate.schemaDirectory)
        self.store = StateStore(backend: gateway)
        self.vectorizerClient = VectorizerClient(configuration: config.vectorizer, logger: logger)
    }

    /// The vectorizer with the on-disk cache in front (opening it scans existing segments).
    public func cachingVectorizer() throws -> CachingVectorizer {
        CachingVectorizer(client: vectorizerClient, cache: try VectorCache(directory: config.vectorizer.cacheDirectory))
    }

    /// The fingerprint the state must carry for the mounted dataset to count as ingested. With a `cache`,
    /// compressed files already seen byte for byte are not inflated again (same value).
    public func mountedFingerprint(dataPath: String? = nil, cache: FingerprintCache? = nil) throws -> String {
        let dataset = try ESCODataset.open(dataPath ?? config.data.path)
        return StateFingerprint.make(
            try dataset.fingerprint(cache: cache), labelVectors: config.ingest.labelVectors,
            vectorizer: VectorizerIdentity.configuredTag(
                model: config.vectorizer.model, directTokenize: config.vectorizer.directTokenize))
    }
}
