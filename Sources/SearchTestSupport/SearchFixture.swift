import ESCOClients
public import ESCOConfig
public import ESCOCore
import ESCODataset
public import ESCOIngestion
// The search tests' shared fixture: stand-ins, clients, one sample ingestion, a server on port 0. A library
// target of its own, so ESCOSearchTests and ESCOSearchServerTests share it without TestSupport importing every
// module.
public import ESCORuntime
public import ESCOSearch
public import ESCOSearchServer
public import ESCOStandIns
import Foundation
import Logging
import TestSupport

public struct QuietProgress: IngestionProgress {
    public init() {}
    public func stepStarted(index: Int, count: Int, step: IngestionStep, total: Int, skipped: Bool) {}
    public func progress(step: IngestionStep, done: Int, total: Int) {}
    public func stepFinished(index: Int, count: Int, step: IngestionStep, detail: String) {}
}

/// In-process Weaviate and vectorizer stand-ins (port 0) with clients configured for them.
public final class StandInServices: Sendable {
    public let weaviate: WeaviateStandIn
    public let vectorizer: VectorizerStandIn?
    public let config: ESCOConfiguration
    public let clients: ServiceClients

    /// - Parameter vectorizerURL: a real text2vec-transformers server instead of the stand-in (benchmarks).
    public init(vectorizerURL: String? = nil) throws {
        weaviate = try WeaviateStandIn(options: .init())
        vectorizer = vectorizerURL == nil ? try VectorizerStandIn(options: .init()) : nil
        var config = ESCOConfiguration(profile: "test")
        config.weaviate.url = weaviate.url
        config.weaviate.retries = 0
        config.weaviate.connectTimeout = .seconds(2)
        config.vectorizer.url = vectorizerURL ?? vectorizer!.url
        if vectorizerURL != nil {
            // A real model on a shared 2-core machine: fewer, patient requests, and a cache so relation steps
            // (which rewrite whole objects) never vectorise a text twice.
            config.vectorizer.maxInFlight = 2
            config.vectorizer.requestTimeout = .seconds(600)
            config.vectorizer.cacheDirectory = NSTemporaryDirectory() + "esco-bench-cache-\(UUID().uuidString)"
        }
        config.vectorizer.retries = 0
        config.data.path = DatasetPaths.sample
        config.weaviate.schemaDirectory =
            URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("resources/schemas").path
        config.ingest.settle = .zero
        self.config = config
        clients = ServiceClients(config: config, logger: Logger(label: "test"))
    }

    deinit {
        weaviate.stop()
        vectorizer?.stop()
    }

    /// Ingests the sample through the real pipeline (schema, objects, labels, relations, verify).
    public func ingestSample() async throws {
        // The lease writes the Metadata class before the pipeline's schema step runs (a real Weaviate would
        // auto-create the class; the stand-in, like a Weaviate with auto-schema off, does not).
        _ = try await clients.gateway.ensureSchema()
        let runner = IngestionRunner(
            dataset: try ESCODataset.open(DatasetPaths.sample), store: clients.store, weaviate: clients.gateway,
            vectorizer: vectorizer == nil ? try clients.cachingVectorizer() : clients.vectorizerClient,
            settings: clients.runnerSettings, progress: QuietProgress(),
            logger: Logger(label: "test"))
        guard case .completed = try await runner.run(force: false) else {
            throw TestFailure("ingesting the sample did not complete")
        }
    }

    public var backend: WeaviateSearchBackend {
        let store = clients.store
        return WeaviateSearchBackend(
            weaviate: clients.weaviate, vectorizer: clients.vectorizerClient, stateReader: { try await store.read() })
    }

    public var engine: SearchEngine { SearchEngine(backend: backend) }

    /// The server as esco-search's composition root wires it (Sources/esco-search/LiveServer.swift); with
    /// `metrics`, instrumented as there: backend, readiness and the ingestion gauges.
    public func server(cacheSeconds: Double = 0, metrics: SearchMetrics? = nil) throws -> SearchServer {
        let store = clients.store
        let vectorizer = clients.vectorizerClient
        let expected = try clients.mountedFingerprint()
        let readiness = Readiness.instrumented(
            expectedFingerprint: expected, cacheSeconds: cacheSeconds, metrics: metrics,
            liveVectorizer: { try await vectorizer.identity(refresh: true) }, readState: { try await store.read() })
        guard let metrics else {
            return SearchServer(engine: engine, readiness: readiness, logger: Logger(label: "test"))
        }
        var server = SearchServer(
            engine: SearchEngine(backend: InstrumentedSearchBackend(backend, metrics: metrics)), readiness: readiness,
            logger: Logger(label: "test"), metrics: metrics)
        server.ingestionSnapshot = SearchServer.ingestionSnapshots(
            expectedFingerprint: expected, metrics: metrics, readState: { try await store.read() },
            readHistory: { try await store.history(limit: 64).map(\.state) })
        return server
    }
}

public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}

/// One sample ingestion shared by every test that only reads (ingesting takes a few seconds).
public actor SampleFixture {
    public static let shared = SampleFixture()
    private var services: StandInServices?
    private var model: SampleModel?

    public func ingested() async throws -> StandInServices {
        if let services { return services }
        let s = try StandInServices()
        try await s.ingestSample()
        services = s
        return s
    }

    public func datasetModel() throws -> SampleModel {
        if let model { return model }
        let m = try DatasetModel(dataset: try ESCODataset.open(DatasetPaths.sample), fingerprint: "")
        let sample = SampleModel(
            relations: m.relations, skills: try m.loadDocuments("Skill"), occupations: try m.loadDocuments("Occupation")
        )
        model = sample
        return sample
    }
}

/// The sample's skills and occupations as documents, with the relation index: what read-only tests compare with.
public struct SampleModel: Sendable {
    public let relations: RelationIndex
    public let skills: [ConceptDocument]
    public let occupations: [ConceptDocument]
}

/// Runs `body` with the search server of `services` listening on 127.0.0.1, port 0.
public func withSearchServer<T: Sendable>(
    _ server: SearchServer, _ body: @Sendable (_ baseURL: String) async throws -> T
) async throws -> T {
    let (stream, continuation) = AsyncStream<Int>.makeStream()
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            try await server.serve(host: "127.0.0.1", port: 0) { port in continuation.yield(port) }
            return nil
        }
        var iterator = stream.makeAsyncIterator()
        guard let port = await iterator.next() else { throw TestFailure("the server did not start") }
        let result = try await body("http://127.0.0.1:\(port)")
        group.cancelAll()
        return result
    }
}
