/// The settings every esco-stack executable reads from `config/weaviate_config.yaml` (one profile of it) plus
/// environment overrides. Every field has a default, so a profile only names what differs.
public struct ESCOConfiguration: Sendable, Equatable {
    /// The profile this configuration was loaded from.
    public var profile: String
    public var weaviate: Weaviate
    public var vectorizer: Vectorizer
    public var data: DataSource
    public var lock: Lock
    public var ingest: Ingest
    public var supervisor: Supervisor
    public var search: Search

    public init(
        profile: String = "default", weaviate: Weaviate = .init(), vectorizer: Vectorizer = .init(),
        data: DataSource = .init(), lock: Lock = .init(), ingest: Ingest = .init(), supervisor: Supervisor = .init(),
        search: Search = .init()
    ) {
        self.profile = profile
        self.weaviate = weaviate
        self.vectorizer = vectorizer
        self.data = data
        self.lock = lock
        self.ingest = ingest
        self.supervisor = supervisor
        self.search = search
    }

    /// Weaviate's read/write consistency for replicated clusters (sent as `consistency_level`).
    public enum ConsistencyLevel: String, Sendable, CaseIterable {
        case one = "ONE", quorum = "QUORUM", all = "ALL"
    }

    /// How to reach Weaviate.
    public struct Weaviate: Sendable, Equatable {
        public var url: String
        /// Name of the environment variable holding the API key (the key never lives in the file).
        public var apiKeyEnv: String?
        /// The resolved API key, from `WEAVIATE_API_KEY` or the variable named by `apiKeyEnv`. Never printed.
        public var apiKey: Secret?
        public var connectTimeoutSeconds: Double
        public var requestTimeoutSeconds: Double
        /// Retries after the first attempt for retryable failures (connection errors, timeouts, 429, 5xx).
        public var retries: Int
        public var batchSize: Int
        public var consistencyLevel: ConsistencyLevel?
        public var schemaDirectory: String
        /// `replicationConfig.factor` sent with every class; nil sends none, so Weaviate's `REPLICATION_MINIMUM_FACTOR`
        /// applies (a server whose minimum is above a factor we sent would refuse the class).
        public var replicationFactor: Int?

        public init(
            url: String = "http://127.0.0.1:8080", apiKeyEnv: String? = nil, apiKey: Secret? = nil,
            connectTimeoutSeconds: Double = 5, requestTimeoutSeconds: Double = 60, retries: Int = 5,
            batchSize: Int = 200, consistencyLevel: ConsistencyLevel? = nil,
            schemaDirectory: String = "resources/schemas", replicationFactor: Int? = nil
        ) {
            self.url = url
            self.apiKeyEnv = apiKeyEnv
            self.apiKey = apiKey
            self.connectTimeoutSeconds = connectTimeoutSeconds
            self.requestTimeoutSeconds = requestTimeoutSeconds
            self.retries = retries
            self.batchSize = batchSize
            self.consistencyLevel = consistencyLevel
            self.schemaDirectory = schemaDirectory
            self.replicationFactor = replicationFactor
        }
    }

    /// Whether to send several texts per `/vectors` request (`{"texts": [...]}`). No t2v-transformers release
    /// accepts that form (1.9.7 answers 422), so the default is one text per request with `maxInFlight` in flight.
    public enum BatchTexts: String, Sendable, Equatable {
        case always = "true", never = "false", auto
    }

    /// How to reach the text2vec-transformers vectorizer.
    public struct Vectorizer: Sendable, Equatable {
        public var url: String
        /// Requests kept in flight at once (the vectorizer is the bottleneck of a cold start).
        public var maxInFlight: Int
        public var connectTimeoutSeconds: Double
        public var requestTimeoutSeconds: Double
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
            url: String = "http://127.0.0.1:8081", maxInFlight: Int = 8, connectTimeoutSeconds: Double = 5,
            requestTimeoutSeconds: Double = 60, retries: Int = 5, batchTexts: BatchTexts = .never,
            cacheDirectory: String = "var/vector-cache", model: String = Vectorizer.defaultModel,
            directTokenize: Bool = true
        ) {
            self.url = url
            self.maxInFlight = maxInFlight
            self.connectTimeoutSeconds = connectTimeoutSeconds
            self.requestTimeoutSeconds = requestTimeoutSeconds
            self.retries = retries
            self.batchTexts = batchTexts
            self.cacheDirectory = cacheDirectory
            self.model = model
            self.directTokenize = directTokenize
        }

        /// The model docker-compose.yml runs.
        public static let defaultModel = "sentence-transformers/all-MiniLM-L6-v2"
    }

    /// Where the ESCO dataset is mounted.
    public struct DataSource: Sendable, Equatable {
        public var path: String
        public init(path: String = "data/esco") { self.path = path }
    }

    /// Where the single-host OS file lock lives (nil: no OS lock, the Weaviate lease alone).
    public struct Lock: Sendable, Equatable {
        public var directory: String?
        public init(directory: String? = nil) { self.directory = directory }
    }

    /// Ingestion tuning.
    public struct Ingest: Sendable, Equatable {
        public var leaseTTLSeconds: Double
        public var heartbeatSeconds: Double
        /// Also store one vector per label (docs/ARCHITECTURE.md#search).
        public var labelVectors: Bool
        /// Pause after writes before verifying, so Weaviate's index has caught up.
        public var settleMilliseconds: Int

        public init(
            leaseTTLSeconds: Double = 60, heartbeatSeconds: Double = 10, labelVectors: Bool = true,
            settleMilliseconds: Int = 500
        ) {
            self.leaseTTLSeconds = leaseTTLSeconds
            self.heartbeatSeconds = heartbeatSeconds
            self.labelVectors = labelVectors
            self.settleMilliseconds = settleMilliseconds
        }
    }

    /// `esco-supervise` deadlines and polling.
    public struct Supervisor: Sendable, Equatable {
        public var dependencyDeadlineSeconds: Double
        public var pollIntervalSeconds: Double
        public var waitDeadlineSeconds: Double
        /// SIGTERM-to-SIGKILL grace for the ingestion child; below compose's 10 s.
        public var graceSeconds: Double

        public init(
            dependencyDeadlineSeconds: Double = 300, pollIntervalSeconds: Double = 5,
            waitDeadlineSeconds: Double = 3600, graceSeconds: Double = 8
        ) {
            self.dependencyDeadlineSeconds = dependencyDeadlineSeconds
            self.pollIntervalSeconds = pollIntervalSeconds
            self.waitDeadlineSeconds = waitDeadlineSeconds
            self.graceSeconds = graceSeconds
        }
    }

    /// `esco-search` listener.
    public struct Search: Sendable, Equatable {
        public var host: String
        public var port: Int
        public init(host: String = "0.0.0.0", port: Int = 8080) {
            self.host = host
            self.port = port
        }
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
