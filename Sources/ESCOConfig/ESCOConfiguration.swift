public import ESCOClients
public import ESCOCore

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

    /// The clients own their settings; a profile's `weaviate` and `vectorizer` sections map onto them.
    public typealias Weaviate = WeaviateClient.Configuration
    public typealias Vectorizer = VectorizerClient.Configuration
    public typealias ConsistencyLevel = WeaviateClient.ConsistencyLevel
    public typealias BatchTexts = VectorizerClient.BatchTexts

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
        public var leaseTTL: Duration
        public var heartbeat: Duration
        /// Also store one vector per label (docs/ARCHITECTURE.md#search).
        public var labelVectors: Bool
        /// Pause after writes before verifying, so Weaviate's index has caught up.
        public var settle: Duration
        /// Earlier data generations kept for `esco rollback` after a switch (docs/ARCHITECTURE.md#aliases).
        public var keepGenerations: Int

        public init(
            leaseTTL: Duration = Timing.leaseTTL, heartbeat: Duration = Timing.heartbeat, labelVectors: Bool = true,
            settle: Duration = Timing.settle, keepGenerations: Int = 1
        ) {
            self.leaseTTL = leaseTTL
            self.heartbeat = heartbeat
            self.labelVectors = labelVectors
            self.settle = settle
            self.keepGenerations = keepGenerations
        }
    }

    /// `esco-supervise` deadlines and polling.
    public struct Supervisor: Sendable, Equatable {
        public var dependencyDeadline: Duration
        public var pollInterval: Duration
        public var waitDeadline: Duration
        /// SIGTERM-to-SIGKILL grace for the ingestion child; below compose's 10 s.
        public var grace: Duration

        public init(
            dependencyDeadline: Duration = Timing.dependencyDeadline, pollInterval: Duration = Timing.pollInterval,
            waitDeadline: Duration = Timing.waitDeadline, grace: Duration = Timing.terminationGrace
        ) {
            self.dependencyDeadline = dependencyDeadline
            self.pollInterval = pollInterval
            self.waitDeadline = waitDeadline
            self.grace = grace
        }

        /// The poll backoff's ceiling (`Timing.pollMaxInterval(poll:)`).
        public var pollMaxInterval: Duration { Timing.pollMaxInterval(poll: pollInterval) }
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
