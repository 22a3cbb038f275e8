import ESCOClients
import ESCOCore
import ESCOIngestion
import ESCORuntime
import Foundation

/// Metadata store in memory, for lease and state tests that need no HTTP.
actor InMemoryMetadata: MetadataBackend {
    var objects: [String: [String: JSONValue]] = [:]
    var writes = 0

    func readMetadata(id: String) async throws -> [String: JSONValue]? { objects[id] }
    func upsertMetadata(id: String, properties: [String: JSONValue]) async throws {
        writes += 1
        objects[id] = properties
    }
    func listEvents(limit: Int) async throws -> [[String: JSONValue]] {
        let events = objects.values.filter { $0["metaType"]?.stringValue == "ingestion_event" }
        func key(_ e: [String: JSONValue]) -> (Int, Int) {
            (e["generation"]?.intValue ?? 0, e["sequence"]?.intValue ?? 0)
        }
        return Array(events.sorted { key($0) > key($1) }.prefix(limit))
    }
    func deleteEvents(generationBelow generation: Int) async throws -> Int {
        let old = objects.filter {
            $0.value["metaType"]?.stringValue == "ingestion_event"
                && ($0.value["generation"]?.intValue ?? 0) < generation
        }
        for id in old.keys { objects[id] = nil }
        return old.count
    }
}

/// A Weaviate-shaped in-memory store for pipeline unit tests (the stand-in covers HTTP behaviour).
actor InMemoryWeaviate: WeaviateWriting {
    var objects: [String: [String: WriteObject]] = [:]
    var upserts = 0
    var failUpsertsAfter: Int?

    func setFailUpserts(after n: Int?) { failUpsertsAfter = n }

    nonisolated func ensureSchema() async throws -> String { "schema ok" }
    func upsert(className: String, objects batch: [WriteObject]) async throws {
        if let n = failUpsertsAfter, upserts >= n { throw IngestionError(.weaviate, "injected failure") }
        upserts += 1
        for o in batch { objects[className, default: [:]][o.id] = o }
    }
    func count(className: String) async throws -> Int { objects[className]?.count ?? 0 }
    func listIDs(className: String, limit: Int) async throws -> [String] {
        Array((objects[className]?.keys.sorted() ?? []).prefix(limit))
    }
    func delete(className: String, ids: [String]) async throws { for id in ids { objects[className]?[id] = nil } }
    func fetch(className: String, id: String) async throws -> FetchedObject? {
        objects[className]?[id].map { FetchedObject(properties: $0.properties, vector: $0.vector) }
    }
    func nearest(className: String, vector: [Float], limit: Int) async throws -> [String] {
        let scored = (objects[className] ?? [:]).values.compactMap { o -> (String, Float)? in
            guard let v = o.vector else { return nil }
            return (o.id, zip(v, vector).reduce(0) { $0 + $1.0 * $1.1 })
        }
        return scored.sorted { $0.1 > $1.1 }.prefix(limit).map(\.0)
    }
    func snapshot() -> [String: [String: WriteObject]] { objects }
}

/// Deterministic 8-dimensional vectors; counts how many texts it was asked for.
actor CountingVectorizer: TextVectorizing {
    var texts = 0
    /// What it claims to be; tests change it to model a swapped model.
    var served = VectorizerIdentity(
        model: "test/counting", directTokenize: true, modelType: "counting", hiddenSize: 8,
        dimensions: 8)
    func identity() async throws -> VectorizerIdentity { served }
    func serve(_ identity: VectorizerIdentity) { served = identity }
    func vectorize(_ batch: [String]) async throws -> [[Float]] {
        texts += batch.count
        return batch.map { t in
            var v = [Float](repeating: 0, count: 8)
            for (i, b) in t.utf8.enumerated() { v[(i + Int(b)) % 8] += Float(b % 7) + 1 }
            let n = (v.reduce(0) { $0 + $1 * $1 }).squareRoot()
            return v.map { $0 / max(n, 1e-6) }
        }
    }
}

struct SilentProgress: IngestionProgress {
    func stepStarted(index: Int, count: Int, step: IngestionStep, total: Int, skipped: Bool) {}
    func progress(step: IngestionStep, done: Int, total: Int) {}
    func stepFinished(index: Int, count: Int, step: IngestionStep, detail: String) {}
}
