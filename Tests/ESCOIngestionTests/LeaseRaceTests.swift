import ESCOClients
import ESCOCore
import ESCODataset
import ESCOIngestion
import Foundation
import Logging
import Testing
import TestSupport

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

    /// Fischer's condition: a claim that lands later than the settle period after its read may overwrite a claim
    /// that another runner has already confirmed, so it must not be trusted.
    @Test func aClaimSlowerThanTheSettlePeriodBacksOffInsteadOfConfirming() async throws {
        let m = SlowWritingMetadata(writeDelayMs: 150)
        let me = Holder(host: "host-a", pid: 1, runId: "slow")
        let lease = LeaseLock(store: StateStore(backend: m), me: me, settings: Self.settings)
        guard case .busy(let e) = try await lease.acquire(fingerprint: "fp", force: false, stepCount: 3) else {
            Issue.record("a claim that took longer than the settle period was trusted")
            return
        }
        #expect(e.meansTryLater)
        #expect(e.description.contains("settle period (60 ms, ingest.settleMilliseconds)"), "\(e)")

        // The same runner on a fast path confirms.
        await m.setWriteDelay(0)
        let again = LeaseLock(store: StateStore(backend: m), me: Holder(host: "host-a", pid: 1, runId: "fast"),
                              settings: Self.settings)
        // The slow claim it wrote is live; only its own run could take it over without waiting for expiry.
        guard case .busy = try await again.acquire(fingerprint: "fp", force: false, stepCount: 3) else {
            Issue.record("a live claim of another run was taken over")
            return
        }
    }

    /// Runner B read the state before A's claim landed and its claim arrived after A had confirmed: B backs off (its
    /// claim was slow), and A keeps the lease at its next heartbeat and writes it back.
    @Test func aConfirmedHolderKeepsItsLeaseWhenALateClaimOfTheSameGenerationLands() async throws {
        let m = InMemoryMetadata()
        let store = StateStore(backend: m)
        let a = LeaseLock(store: store, me: Holder(host: "host-a", pid: 1, runId: "a"), settings: Self.settings)
        guard case .acquired = try await a.acquire(fingerprint: "fp", force: false, stepCount: 3) else {
            Issue.record("the only runner did not acquire")
            return
        }
        var late = try #require(try await store.read())
        late.runId = "b"
        late.holder = "host-b:2"
        try await store.write(late, event: "claimed generation \(late.generation)", sequence: 1, nowMs: RFC3339.nowMs())

        try await a.heartbeat()
        let after = try #require(try await store.read())
        #expect(after.runId == "a" && after.holder == "host-a:1" && after.generation == late.generation)
        try await a.checkHeld()

        // A newer generation (a takeover after expiry, or esco unlock --force) still fences.
        late.generation += 1
        try await store.write(late, event: "claimed generation \(late.generation)", sequence: 2, nowMs: RFC3339.nowMs())
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
