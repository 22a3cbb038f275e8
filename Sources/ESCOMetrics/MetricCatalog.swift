/// Every metric esco-stack exports: its Prometheus name, its HELP text and, for latency histograms, its
/// buckets. One table, so docs/OPERATIONS.md, the exporter and the tests agree on the names.
///
/// Names follow Prometheus' conventions (https://prometheus.io/docs/practices/naming/): an `esco_` prefix, base
/// units (seconds), `_total` on counters, `_info` on the info metric (value 1, the facts in its labels).
public enum MetricCatalog {
    public struct Entry: Sendable {
        public var name: String
        public var help: String
        /// Histogram buckets in seconds (nil: not a histogram).
        public var buckets: [Double]?
    }

    // esco-search's own activity.
    public static let httpRequests = "esco_search_http_requests_total"
    public static let httpDuration = "esco_search_http_request_duration_seconds"
    public static let weaviateRequests = "esco_search_weaviate_requests_total"
    public static let weaviateDuration = "esco_search_weaviate_request_duration_seconds"
    public static let vectorizerRequests = "esco_search_vectorizer_requests_total"
    public static let vectorizerDuration = "esco_search_vectorizer_request_duration_seconds"
    public static let ready = "esco_search_ready"

    // The ingestion state stored in Weaviate (esco-search's /metrics and `esco status --format prometheus`).
    public static let stateReadable = "esco_ingestion_state_readable"
    public static let status = "esco_ingestion_status"
    public static let datasetInfo = "esco_ingestion_dataset_info"
    public static let objects = "esco_ingestion_objects"
    public static let lastCompleted = "esco_ingestion_last_completed_timestamp_seconds"
    public static let heartbeatAge = "esco_ingestion_heartbeat_age_seconds"
    public static let dataGeneration = "esco_ingestion_generation"
    public static let previousGenerations = "esco_ingestion_previous_generations"

    /// Latency buckets: a cached readiness answer takes microseconds, a search over a loaded 2-core host
    /// seconds, a vectorizer on CPU can take longer.
    public static let latencyBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

    public static let entries: [String: Entry] = Dictionary(
        uniqueKeysWithValues: [
            Entry(name: httpRequests, help: "HTTP requests answered, by route template, method and status code."),
            Entry(
                name: httpDuration, help: "Time to answer an HTTP request, by route template and method.",
                buckets: latencyBuckets),
            Entry(
                name: weaviateRequests,
                help: "Calls to Weaviate, by operation and outcome (success, error, cancelled)."),
            Entry(
                name: weaviateDuration, help: "Duration of calls to Weaviate, by operation.", buckets: latencyBuckets),
            Entry(
                name: vectorizerRequests,
                help: "Calls to the vectorizer, by operation and outcome (success, error, cancelled)."),
            Entry(
                name: vectorizerDuration, help: "Duration of calls to the vectorizer, by operation.",
                buckets: latencyBuckets),
            Entry(name: ready, help: "1 when /readyz answers 200 (data verified complete), 0 otherwise."),
            Entry(
                name: stateReadable,
                help: "1 when the ingestion state could be read from Weaviate, 0 when Weaviate did not answer."),
            Entry(
                name: status,
                help: "1 for the ingestion status as esco status derives it (stale and outdated included), else 0."),
            Entry(
                name: datasetInfo,
                help: "Always 1; the stored dataset's ESCO version, language and fingerprint are labels."),
            Entry(name: objects, help: "Objects per Weaviate class recorded by the last ingestion."),
            Entry(
                name: lastCompleted,
                help: "Unix time in seconds when the last completed ingestion ended (from the state or its history)."),
            Entry(
                name: heartbeatAge,
                help: "Seconds since the ingestion run last wrote its heartbeat (grows once a run stops)."),
            Entry(
                name: dataGeneration,
                help: "Number of the data generation serving queries (role=serving) and of the one being built."),
            Entry(
                name: previousGenerations,
                help: "Previous data generations kept for esco rollback."),
        ].map { ($0.name, $0) })

    /// The entry of `name`; an unlisted name (a library's metric) gets its own name as HELP text.
    public static func entry(_ name: String) -> Entry {
        entries[name] ?? Entry(name: name, help: name.split(separator: "_").joined(separator: " "))
    }
}

extension MetricCatalog.Entry {
    init(name: String, help: String) { self.init(name: name, help: help, buckets: nil) }
}
