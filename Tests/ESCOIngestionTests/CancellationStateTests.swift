import ESCOClients
import ESCOCore
import ESCODataset
import ESCOIngestion
import ESCORuntime
import Logging
import TestSupport
import Testing

/// A metadata store whose writes fail in a cancelled task, as the curl transport's requests do.
actor CancellableMetadata: MetadataBackend {
    var objects: [String: [String: JSONValue]] = [:]
    func readMetadata(id: String) async throws -> [String: JSONValue]? { objects[id] }
    func upsertMetadata(id: String, properties: [String: JSONValue]) async throws {
        try Task.checkCancellation()
        objects[id] = properties
    }
    func listEvents(limit: Int) async throws -> [[String: JSONValue]] { [] }
    func deleteEvents(generationBelow generation: Int) async throws -> Int { 0 }
}

/// `esco ingest` on SIGTERM cancels the run's task (IngestCommand's `withInterruptions`): the final
/// `failed` state must still be written, or it stays `in_progress` until the lease expires.
@Suite struct CancellationStateTests {
    @Test func cancelledRunRecordsFailedInterrupted() async throws {
        let w = InMemoryWeaviate(), m = CancellableMetadata()
        let runner = IngestionRunner(
            dataset: try ESCODataset.open(DatasetPaths.sample), store: StateStore(backend: m), weaviate: w,
            vectorizer: SlowVectorizer(),
            settings: .init(
                lease: .init(ttlMs: 60_000, heartbeatMs: 10_000, settleMs: 0), batchSize: 16,
                labelVectors: false, lockDirectory: nil),
            progress: SilentProgress(), logger: Logger(label: "test"))
        let task = Task { try await runner.run(force: false) }
        // Cancel once data is being written (the lease is claimed by then).
        while await w.upserts == 0 { try await Task.sleep(for: .milliseconds(5)) }
        task.cancel()
        _ = await task.result
        let state = try #require(try await StateStore(backend: m).read())
        #expect(state.status == .failed)
        #expect(state.error.contains("interrupted"), "\(state.error)")
    }
}

/// Vectors after a short pause that honours cancellation.
struct SlowVectorizer: TextVectorizing {
    func identity() async throws -> VectorizerIdentity {
        VectorizerIdentity(model: "test/slow", directTokenize: true, modelType: "slow", hiddenSize: 4, dimensions: 4)
    }
    func vectorize(_ batch: [String]) async throws -> [[Float]] {
        try await Task.sleep(for: .milliseconds(5))
        return batch.map { _ in [1, 0, 0, 0] }
    }
}
