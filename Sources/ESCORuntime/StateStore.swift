public import ESCOCore
import Foundation

/// Where the state store reads and writes `Metadata` objects. The Weaviate-backed implementation lives in
/// `WeaviateMetadataBackend`; tests may use an in-memory one.
public protocol MetadataBackend: Sendable {
    func readMetadata(id: String) async throws -> [String: JSONValue]?
    /// Insert or replace (batch upsert: Weaviate's PUT answers 500 for a missing object).
    func upsertMetadata(id: String, properties: [String: JSONValue]) async throws
    /// The newest `limit` history events (metaType `ingestion_event`), newest first: by `generation`, then
    /// `sequence`, both descending.
    func listEvents(limit: Int) async throws -> [[String: JSONValue]]
    /// Deletes the history events of generations below `generation`; returns how many.
    func deleteEvents(generationBelow generation: Int) async throws -> Int
}

/// The ingestion state in Weaviate's `Metadata` class (docs/ARCHITECTURE.md#state-and-lease): the current state at one
/// fixed ID, plus a history of transitions that keeps the last `historyGenerations` runs.
public struct StateStore: Sendable {
    /// Fixed ID of the current-state object.
    public static let stateID = ObjectID.uuid5("esco-stack/ingestion-state")
    /// Runs (lease generations) whose events the history keeps: about 30 events each, far below Weaviate's
    /// QUERY_MAXIMUM_RESULTS, and enough to see what happened over weeks of restarts.
    public static let historyGenerations = 50
    public let backend: any MetadataBackend

    public init(backend: any MetadataBackend) { self.backend = backend }

    public func read() async throws -> IngestionState? {
        guard let props = try await backend.readMetadata(id: Self.stateID) else { return nil }
        return Self.decode(props)
    }

    /// Writes the current state and appends the transition to the history. The first event of a generation (a
    /// claim, or an operator's unlock) also prunes the events of generations older than the last
    /// `historyGenerations`, so the history stays bounded however many runs there are.
    public func write(_ state: IngestionState, event: String, sequence: Int, nowMs: Int64) async throws {
        try await backend.upsertMetadata(
            id: Self.stateID, properties: Self.encode(state, metaType: "ingestion_state", nowMs: nowMs))
        var props = Self.encode(state, metaType: "ingestion_event", nowMs: nowMs)
        props["sequence"] = .number(Double(sequence))
        props["details"] = .string(event)
        let id = ObjectID.uuid5("esco-stack/ingestion-event/\(state.runId)/\(state.generation)/\(sequence)")
        try await backend.upsertMetadata(id: id, properties: props)
        if sequence == 1, state.generation > Self.historyGenerations {
            // Best effort: a failed prune only leaves older events behind, and the next claim prunes them. Failing
            // the claim for it would stop an ingestion over housekeeping.
            _ = try? await backend.deleteEvents(generationBelow: state.generation - Self.historyGenerations + 1)
        }
    }

    /// Writes the current state only (heartbeats and progress: the history records transitions, not ticks).
    public func writeCurrent(_ state: IngestionState, nowMs: Int64) async throws {
        try await backend.upsertMetadata(
            id: Self.stateID, properties: Self.encode(state, metaType: "ingestion_state", nowMs: nowMs))
    }

    /// The newest `limit` events, newest first, ordered by (generation, sequence) — never by timestamps. The
    /// backend selects and orders them; the pure re-sort keeps the order exact for any backend.
    public func history(limit: Int = 10) async throws -> [(state: IngestionState, event: String, sequence: Int)] {
        let events = try await backend.listEvents(limit: max(1, limit))
        return events.map { (Self.decode($0), $0["details"]?.stringValue ?? "", $0["sequence"]?.intValue ?? 0) }
            .sorted { ($0.0.generation, $0.2) > ($1.0.generation, $1.2) }
            .prefix(limit).map { (state: $0.0, event: $0.1, sequence: $0.2) }
    }

    // MARK: Encoding

    static func encode(_ s: IngestionState, metaType: String, nowMs: Int64) -> [String: JSONValue] {
        let counts = (try? String(decoding: JSONEncoder.sorted.encode(s.counts), as: UTF8.self)) ?? "{}"
        return [
            "metaType": .string(metaType), "status": .string(s.status.rawValue),
            "timestamp": .string(RFC3339.format(nowMs)),
            "version": .string(s.version), "runId": .string(s.runId), "holder": .string(s.holder),
            "generation": .number(Double(s.generation)), "leaseExpiresAt": .string(RFC3339.format(s.leaseExpiresAtMs)),
            "heartbeatAt": .string(RFC3339.format(s.heartbeatAtMs)),
            "startedAt": .string(RFC3339.format(s.startedAtMs)),
            "endedAt": .string(RFC3339.format(s.endedAtMs)), "step": .string(s.step),
            "stepIndex": .number(Double(s.stepIndex)), "stepCount": .number(Double(s.stepCount)),
            "itemsDone": .number(Double(s.itemsDone)), "itemsTotal": .number(Double(s.itemsTotal)),
            "fingerprint": .string(s.fingerprint), "counts": .string(counts), "error": .string(s.error),
            "completedSteps": .array(s.completedSteps.map { .string($0) }),
            "details": .string(
                (try? String(
                    decoding: JSONEncoder.sorted.encode(
                        Details(
                            referenceSample: s.referenceSample, vectorizer: s.vectorizer,
                            generations: s.generations == Generations() ? nil : s.generations)),
                    as: UTF8.self)) ?? ""),
        ]
    }

    static func decode(_ p: [String: JSONValue]) -> IngestionState {
        let counts = p["counts"]?.stringValue.flatMap {
            try? JSONDecoder().decode([String: Int].self, from: Data($0.utf8))
        }
        let details = p["details"]?.stringValue.flatMap { try? JSONDecoder().decode(Details.self, from: Data($0.utf8)) }
        func date(_ k: String) -> Int64 { p[k]?.stringValue.flatMap(RFC3339.parse) ?? 0 }
        func int(_ k: String) -> Int { p[k]?.intValue ?? 0 }
        func str(_ k: String) -> String { p[k]?.stringValue ?? "" }
        return IngestionState(
            status: IngestionStatus(rawValue: str("status")) ?? .notStarted, runId: str("runId"), holder: str("holder"),
            generation: int("generation"), leaseExpiresAtMs: date("leaseExpiresAt"), heartbeatAtMs: date("heartbeatAt"),
            startedAtMs: date("startedAt"), endedAtMs: date("endedAt"), step: str("step"), stepIndex: int("stepIndex"),
            stepCount: int("stepCount"), itemsDone: int("itemsDone"), itemsTotal: int("itemsTotal"),
            fingerprint: str("fingerprint"), counts: counts ?? [:], error: str("error"),
            completedSteps: p["completedSteps"]?.arrayValue?.compactMap(\.stringValue) ?? [], version: str("version"),
            referenceSample: details?.referenceSample ?? [], vectorizer: details?.vectorizer,
            generations: details?.generations ?? Self.legacyGenerations(status: str("status"), p, counts, details))
    }

    /// A state written before generations: completed data in plain-named classes is generation 0 and serves;
    /// anything else had nothing serving (docs/ARCHITECTURE.md#aliases, first migration).
    static func legacyGenerations(status: String, _ p: [String: JSONValue], _ counts: [String: Int]?, _ d: Details?)
        -> Generations
    {
        guard status == IngestionStatus.completed.rawValue, let fingerprint = p["fingerprint"]?.stringValue else {
            return Generations()
        }
        return Generations(
            serving: DataGeneration(
                number: 0, fingerprint: fingerprint, counts: counts ?? [:], referenceSample: d?.referenceSample ?? []))
    }

    /// Extra state kept as JSON in the `details` property.
    struct Details: Codable {
        var referenceSample: [String]
        /// Absent in states written before identities were recorded.
        var vectorizer: VectorizerIdentity?
        /// Absent in states written before generations (`legacyGenerations`).
        var generations: Generations?
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }
}
