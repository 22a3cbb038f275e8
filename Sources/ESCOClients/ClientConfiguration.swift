public import ESCOCore

/// The clients' own settings. `WeaviateClient` and `VectorizerClient` take these, never the application's
/// configuration: ESCOConfig maps the YAML profile onto them (docs/configuration.md has the keys).

extension WeaviateClient {
    /// Weaviate's read/write consistency for replicated clusters (sent as `consistency_level`).
    public enum ConsistencyLevel: String, Sendable, CaseIterable {
        case one = "ONE", quorum = "QUORUM", all = "ALL"
    }

    /// How to reach Weaviate.
    public struct Configuration: Sendable, Equatable {
        public var url: String
        /// Name of the environment variable holding the API key (the key never lives in the file).
        public var apiKeyEnv: String?
        /// The resolved API key, from `WEAVIATE_API_KEY` or the variable named by `apiKeyEnv`. Never printed.
        public var apiKey: Secret?
        public var connectTimeout: Duration
        public var requestTimeout: Duration
        /// Retries after the first attempt for retryable failures (connection errors, timeouts, 429, 5xx).
        public var retries: Int
        public var batchSize: Int
        public var consistencyLevel: ConsistencyLevel?
        public var schemaDirectory: String
        /// `replicationConfig.factor` sent with every class; nil sends none, so Weaviate's
        /// `REPLICATION_MINIMUM_FACTOR` applies (a server whose minimum is above a factor we sent would refuse
        /// the class).
        public var replicationFactor: Int?

        public init(
            url: String = "http://127.0.0.1:8080", apiKeyEnv: String? = nil, apiKey: Secret? = nil,
            connectTimeout: Duration = Timing.connectTimeout, requestTimeout: Duration = Timing.requestTimeout,
            retries: Int = 5, batchSize: Int = 200, consistencyLevel: ConsistencyLevel? = nil,
            schemaDirectory: String = "resources/schemas", replicationFactor: Int? = nil
        ) {
            self.url = url
            self.apiKeyEnv = apiKeyEnv
            self.apiKey = apiKey
            self.connectTimeout = connectTimeout
            self.requestTimeout = requestTimeout
            self.retries = retries
            self.batchSize = batchSize
            self.consistencyLevel = consistencyLevel
            self.schemaDirectory = schemaDirectory
            self.replicationFactor = replicationFactor
        }
    }
}

extension VectorizerClient {
    /// Whether to send several texts per `/vectors` request (`{"texts": [...]}`). No t2v-transformers release
    /// accepts that form (1.9.7 answers 422), so the default is one text per request with `maxInFlight` in
    /// flight.
    public enum BatchTexts: String, Sendable, Equatable {
        case always = "true", never = "false", auto
    }

    /// How to reach the text2vec-transformers vectorizer.
    public struct Configuration: Sendable, Equatable {
        public var url: String
        /// Requests kept in flight at once (the vectorizer is the bottleneck of a cold start).
        public var maxInFlight: Int
        public var connectTimeout: Duration
        public var requestTimeout: Duration
        public var retries: Int
        public var batchTexts: BatchTexts
        /// On-disk cache of vectors keyed by model and text, so a re-run never re-vectorises a text.
        public var cacheDirectory: String
        /// The model the vectorizer serves, e.g. `sentence-transformers/all-MiniLM-L6-v2`. The server cannot
        /// tell (t2v-transformers 1.9.7's `/meta` names `./models/model`), so the configuration says it; it is
        /// part of the vector cache key and of the stored fingerprint.
        public var model: String
        /// Whether the vectorizer runs with `T2V_TRANSFORMERS_DIRECT_TOKENIZE=true` (text encoded whole, not
        /// split into sentences). It changes the vectors and `/meta` does not show it, so it is configured too.
        public var directTokenize: Bool

        public init(
            url: String = "http://127.0.0.1:8081", maxInFlight: Int = 8,
            connectTimeout: Duration = Timing.connectTimeout, requestTimeout: Duration = Timing.requestTimeout,
            retries: Int = 5, batchTexts: BatchTexts = .never, cacheDirectory: String = "var/vector-cache",
            model: String = Configuration.defaultModel, directTokenize: Bool = true
        ) {
            self.url = url
            self.maxInFlight = maxInFlight
            self.connectTimeout = connectTimeout
            self.requestTimeout = requestTimeout
            self.retries = retries
            self.batchTexts = batchTexts
            self.cacheDirectory = cacheDirectory
            self.model = model
            self.directTokenize = directTokenize
        }

        /// The model docker-compose.yml runs.
        public static let defaultModel = "sentence-transformers/all-MiniLM-L6-v2"
    }
}

/// A secret string (an API key) whose `description` never shows the value.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The secret itself; pass it only to the wire.
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}
