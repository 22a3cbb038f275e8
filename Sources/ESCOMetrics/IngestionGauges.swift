public import ESCOCore
public import Prometheus

/// What the ingestion gauges are computed from: the state stored in Weaviate at one moment.
public struct IngestionSnapshot: Sendable, Equatable {
    /// The current state; nil when none was ever written (or when it could not be read: see `readError`).
    public var state: IngestionState?
    /// Why the state could not be read (Weaviate unreachable); nil when it was read.
    public var readError: String?
    /// When the newest completed run ended (the current state's end, or the newest `completed` event of the
    /// history while a later run is in progress or failed); nil when no run ever completed.
    public var lastCompletedAtMs: Int64?
    public var nowMs: Int64
    /// The mounted dataset's fingerprint (nil: not mounted), so `completed` for other data shows `outdated`.
    public var mountedFingerprint: String?

    public init(
        state: IngestionState?, readError: String? = nil, lastCompletedAtMs: Int64? = nil, nowMs: Int64,
        mountedFingerprint: String? = nil
    ) {
        self.state = state
        self.readError = readError
        self.lastCompletedAtMs = lastCompletedAtMs
        self.nowMs = nowMs
        self.mountedFingerprint = mountedFingerprint
    }

    /// Reads the current state, and the history only when the current state is not itself `completed`.
    /// Never throws: an unreadable state is a value the gauges report (`esco_ingestion_state_readable 0`).
    public static func read(
        nowMs: Int64, mountedFingerprint: String?,
        current: @Sendable () async throws -> IngestionState?,
        history: @Sendable () async throws -> [IngestionState]
    ) async -> IngestionSnapshot {
        let state: IngestionState?
        do { state = try await current() } catch {
            return IngestionSnapshot(
                state: nil, readError: "\(error)", nowMs: nowMs, mountedFingerprint: mountedFingerprint)
        }
        var lastCompleted: Int64?
        if let state, state.status == .completed, state.endedAtMs > 0 {
            lastCompleted = state.endedAtMs
        } else if state != nil {
            // Best effort: without the history the gauge is left out rather than wrong.
            let events = (try? await history()) ?? []
            lastCompleted = events.filter { $0.status == .completed && $0.endedAtMs > 0 }.map(\.endedAtMs).max()
        }
        return IngestionSnapshot(
            state: state, lastCompletedAtMs: lastCompleted, nowMs: nowMs, mountedFingerprint: mountedFingerprint)
    }
}

/// The ingestion gauges, rendered in the Prometheus text format by swift-prometheus. esco-search's `/metrics`
/// and `esco status --format prometheus` (node exporter's textfile collector) both call `render`.
public enum IngestionGauges {
    /// The gauges of `snapshot` as Prometheus text. A fresh registry each time: an info metric whose labels
    /// changed (a new fingerprint) must not leave its old series behind.
    public static func render(_ snapshot: IngestionSnapshot) -> String {
        let registry = PrometheusCollectorRegistry()
        record(snapshot, into: registry)
        return registry.emitToString()
    }

    static func gauge(_ registry: PrometheusCollectorRegistry, _ name: String, _ labels: [(String, String)] = [])
        -> Gauge
    {
        let entry = MetricCatalog.entry(name)
        return registry.makeGauge(
            descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: entry.help), labels: labels)
    }

    static func record(_ s: IngestionSnapshot, into registry: PrometheusCollectorRegistry) {
        gauge(registry, MetricCatalog.stateReadable).set(to: s.readError == nil ? 1 : 0)
        guard s.readError == nil else { return }
        let derived = s.state?.derivedStatus(nowMs: s.nowMs, mountedFingerprint: s.mountedFingerprint) ?? .notStarted
        // Every status as its own series (1 for the current one), so an alert can test one status directly.
        for status in IngestionStatus.allCases {
            gauge(registry, MetricCatalog.status, [("status", status.rawValue)]).set(to: status == derived ? 1 : 0)
        }
        if let last = s.lastCompletedAtMs {
            gauge(registry, MetricCatalog.lastCompleted).set(to: Double(last) / 1000)
        }
        guard let state = s.state else { return }
        let dataset = DatasetLabels(fingerprint: state.fingerprint)
        gauge(
            registry, MetricCatalog.datasetInfo,
            [
                ("dataset_version", dataset.version), ("language", dataset.language),
                ("fingerprint", dataset.sha256), ("esco_stack_version", state.version),
            ]
        ).set(to: 1)
        for (cls, count) in state.counts.sorted(by: { $0.key < $1.key }) {
            gauge(registry, MetricCatalog.objects, [("class", cls)]).set(to: Double(count))
        }
        // Generations (docs/ARCHITECTURE.md#aliases): an alert can watch a switch or a build that never ends.
        if let serving = state.generations.serving {
            gauge(registry, MetricCatalog.dataGeneration, [("role", "serving")]).set(to: Double(serving.number))
        }
        if let building = state.generations.building {
            gauge(registry, MetricCatalog.dataGeneration, [("role", "building")]).set(to: Double(building.number))
        }
        gauge(registry, MetricCatalog.previousGenerations).set(to: Double(state.generations.previous.count))
        if state.heartbeatAtMs > 0 {
            gauge(registry, MetricCatalog.heartbeatAge).set(to: Double(max(0, s.nowMs - state.heartbeatAtMs)) / 1000)
        }
    }
}

/// The parts of a stored fingerprint (`sha256:HEX;esco-VERSION-LANG;recipe=...`) an info metric shows.
public struct DatasetLabels: Sendable, Equatable {
    public var sha256: String
    public var version: String
    public var language: String

    public init(fingerprint: String) {
        sha256 = ""
        version = ""
        language = ""
        for part in fingerprint.split(separator: ";") {
            if part.hasPrefix("sha256:") {
                sha256 = String(part.dropFirst("sha256:".count))
            } else if part.hasPrefix("esco-") {
                // "esco-1.1.x-en": the version may itself hold dashes, the language never does.
                let rest = part.dropFirst("esco-".count)
                if let dash = rest.lastIndex(of: "-") {
                    version = String(rest[..<dash])
                    language = String(rest[rest.index(after: dash)...])
                } else {
                    version = String(rest)
                }
            }
        }
    }
}
