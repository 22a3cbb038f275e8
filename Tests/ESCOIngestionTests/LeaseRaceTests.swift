import ESCOClients
import ESCOCore
import ESCODataset
import ESCOIngestion
import ESCORuntime
import ESCOSystem
import Foundation
import Logging
import TestSupport
import Testing

/// Metadata whose writes take `writeDelayMs` to land, as on a loaded host or a slow network.
actor SlowWritingMetadata: MetadataBackend {
    let inner = InMemoryMetadata()
    var writeDelayMs: UInt64
    init(writeDelayMs: UInt64) { self.writeDelayMs = writeDelayMs }

    func setWriteDelay(_ ms: UInt64) { writeDelayMs = ms }
    func readMetadata(id: String) async throws -> [String: JSONValue]? { try await inner.readMetadata(id: id) }
    func upsertMetadata(id: String, properties: [String: JSONValue]) async throws {
        try await Task.sleep(nanoseconds: writeDelayMs * 1_000_000)
        try await inner.upsertMetadata(id: id, properties: properties)
    }
    func listEvents(limit: Int) async throws -> [[String: JSONValue]] { try await inner.listEvents(limit: limit) }
    func deleteEvents(generationBelow generation: Int) async throws -> Int {
        try await inner.deleteEvents(generationBelow: generation)
    }
}

/// `WeaviateWriting` whose schema creation fails with `error`; nothing else is reached.
struct FailingSchemaWeaviate: WeaviateWriting {
    let error: WeaviateError
    func ensureSchema() async throws -> String { throw error }
    func upsert(className: String, objects: [WriteObject]) async throws {}
    func count(className: String) async throws -> Int { 0 }
    func listIDs(className: String, limit: Int) async throws -> [String] { [] }
    func delete(className: String, ids: [String]) async throws {}
    func fetch(className: String, id: String) async throws -> FetchedObject? { nil }
    func nearest(className: String, vector: [Float], limit: Int) async throws -> [String] { [] }
}

/// The lease between runners on separate hosts (no OS file lock), and what `esco ingest` makes of failures before it
/// holds the lease (issue 10).
@Suite struct LeaseRaceTests {
    static let settings = LeaseLock.Settings(ttlMs: 60_000, heartbeatMs: 1_000, settleMs: 60)
    static let model = VectorizerIdentity(model: "test/model", directTokenize: true, dimensions: 4)

    /// Fischer's condition: a claim that lands later than the settle period after its read may have overwritten a claim
    /// another runner had already confirmed. That runner rewrites the state at every heartbeat, so a slow claim reads
    /// back only after one heartbeat more; alone, it then holds the lease (a slow Weaviate never blocks ingestion).
    @Test func aClaimSlowerThanTheSettlePeriodWaitsAHeartbeatBeforeConfirming() async throws {
        let m = SlowWritingMetadata(writeDelayMs: 100)
        let settings = LeaseLock.Settings(ttlMs: 60_000, heartbeatMs: 400, settleMs: 60)
        let lease = LeaseLock(
            store: StateStore(backend: m), me: Holder(host: "host-a", pid: 1, runId: "slow"),
            settings: settings)
        let start = ContinuousClock.now
        guard
            case .acquired = try await lease.acquire(
                fingerprint: "fp", force: false, stepCount: 3, vectorizer: Self.model)
        else {
            Issue.record("a lone runner with a slow Weaviate did not get the lease")
            return
        }
        #expect(ContinuousClock.now - start >= .milliseconds(400 + 60), "read back before a heartbeat had passed")
    }

    /// Runner B read the state before A's claim landed and its claim arrived after A had confirmed: B's claim was slow,
    /// so B reads back only after a heartbeat; A keeps the lease at that heartbeat and writes it back, so B sees A.
    @Test func aConfirmedHolderKeepsItsLeaseWhenALateClaimOfTheSameGenerationLands() async throws {
        let m = InMemoryMetadata()
        let store = StateStore(backend: m)
        let a = LeaseLock(store: store, me: Holder(host: "host-a", pid: 1, runId: "a"), settings: Self.settings)
        guard
            case .acquired = try await a.acquire(fingerprint: "fp", force: false, stepCount: 3, vectorizer: Self.model)
        else {
            Issue.record("the only runner did not acquire")
            return
        }
        var late = try #require(try await store.read())
        late.runId = "b"
        late.holder = "host-b:2"
        try await store.write(
            late, event: "claimed generation \(late.generation)", sequence: 1, nowMs: WallClock.nowMs())

        try await a.heartbeat()
        let after = try #require(try await store.read())
        #expect(after.runId == "a" && after.holder == "host-a:1" && after.generation == late.generation)
        try await a.checkHeld()

        // A newer generation (a takeover after expiry, or esco unlock --force) still fences.
        late.generation += 1
        try await store.write(
            late, event: "claimed generation \(late.generation)", sequence: 2, nowMs: WallClock.nowMs())
        await #expect(throws: IngestionError.self) { try await a.heartbeat() }
    }

    /// Weaviate unreachable while creating the schema: nothing was ingested, so it is "try later" (exit 1), never
    /// "failed" (exit 2).
    @Test(arguments: [
        WeaviateError(code: .connection, baseURL: "http://weaviate:8080", method: "GET", path: "/v1/schema"),
        WeaviateError(code: .http, baseURL: "http://weaviate:8080", method: "POST", path: "/v1/schema", status: 503),
    ])
    func weaviateUnavailableBeforeTheLeaseIsTryLater(error: WeaviateError) async throws {
        let runner = IngestionRunner(
            dataset: try ESCODataset.open(DatasetPaths.sample), store: StateStore(backend: InMemoryMetadata()),
            weaviate: FailingSchemaWeaviate(error: error), vectorizer: CountingVectorizer(),
            settings: .init(lease: Self.settings, batchSize: 16, labelVectors: false, lockDirectory: nil),
            progress: SilentProgress(), logger: Logger(label: "test"))
        do {
            _ = try await runner.run(force: false)
            Issue.record("the run succeeded without a schema")
        } catch let e as IngestionError {
            #expect(e.code == .unavailable && e.meansTryLater, "\(e)")
            #expect(e.description.contains("creating the schema") && e.description.contains("http://weaviate:8080"))
        }
    }

    /// A schema that conflicts is an operator's problem: exit 2 stays.
    @Test func anIncompatibleSchemaStaysAFailure() async throws {
        let conflict = WeaviateError(code: .schema, baseURL: "http://weaviate:8080", detail: "class Skill differs")
        let runner = IngestionRunner(
            dataset: try ESCODataset.open(DatasetPaths.sample), store: StateStore(backend: InMemoryMetadata()),
            weaviate: FailingSchemaWeaviate(error: conflict), vectorizer: CountingVectorizer(),
            settings: .init(lease: Self.settings, batchSize: 16, labelVectors: false, lockDirectory: nil),
            progress: SilentProgress(), logger: Logger(label: "test"))
        await #expect(throws: WeaviateError.self) { _ = try await runner.run(force: false) }
    }
}
