import ESCOClients
import ESCOConfig
import ESCOCore
import ESCOIngestion
import ESCORuntime
import ESCOSearch
import Foundation
import Logging
import SearchTestSupport
import Testing

/// Not a test: the ranking measurement of docs/ARCHITECTURE.md#search, run by `scripts/bench-ranking` with the
/// real all-MiniLM-L6-v2 (ESCO_BENCH_T2V_URL) and a query set converted to JSON by the script
/// (ESCO_BENCH_QUERIES_JSON). With ESCO_BENCH_WEAVIATE_URL it searches that Weaviate, where the script has
/// ingested the full export (`--full`); without it, it ingests the sample into an in-process stand-in.
@Suite struct RankingBenchmark {
    static let env = ProcessInfo.processInfo.environment

    struct Query: Decodable {
        var query: String
        var type: String
        var kind: String
        var accept: [String]
    }

    struct File: Decodable {
        var queries: [Query]
        /// Preferred labels with their concept: each must come first (the exact-label guarantee).
        var exact: [Query]?
    }

    /// The reference row: the original system's one vector per concept, "label. alt labels. description".
    static let reference: any Ranker = ConceptOnlyRanker()
    static let rankers: [any Ranker] = [
        reference, FusedRanker(),
        FusedRanker(labelWeight: 0.5), FusedRanker(labelWeight: 0.7), FusedRanker(labelWeight: 0.8),
        FusedRanker(labelWeight: 0.9),
        FusedRanker(labelWeight: 0.6, pools: CandidatePools(labels: 150, concepts: 50)),
        FusedRanker(labelWeight: 0.7, pools: CandidatePools(labels: 150, concepts: 50)),
        // Preferred against alternative labels: no penalty, and ones that let a preferred label win more often.
        FusedRanker(alternativeLabelPenalty: 0), FusedRanker(alternativeLabelPenalty: 0.03),
        FusedRanker(alternativeLabelPenalty: 0.05), FusedRanker(labelWeight: 0.7, alternativeLabelPenalty: 0.03),
        LabelOnlyRanker(),
    ]

    @Test(.enabled(if: env["ESCO_BENCH_T2V_URL"] != nil && env["ESCO_BENCH_QUERIES_JSON"] != nil))
    func measure() async throws {
        let file = try JSONDecoder().decode(
            File.self, from: try Data(contentsOf: URL(fileURLWithPath: Self.env["ESCO_BENCH_QUERIES_JSON"]!)))
        let vectorizerURL = Self.env["ESCO_BENCH_T2V_URL"]!
        var services: StandInServices?
        let backend: WeaviateSearchBackend
        if let weaviateURL = Self.env["ESCO_BENCH_WEAVIATE_URL"] {
            backend = Self.backend(weaviateURL: weaviateURL, vectorizerURL: vectorizerURL)
            print("bench-ranking: searching the data ingested at \(weaviateURL)")
        } else {
            let s = try StandInServices(vectorizerURL: vectorizerURL)
            let t0 = Date()
            try await s.ingestSample()
            print("bench-ranking: sample ingested with the real model in \(Int(Date().timeIntervalSince(t0))) s")
            backend = s.backend
            services = s
        }
        let vectors = try await backend.vectorize(file.queries.map(\.query))
        // Rankers with the same pools send the same Weaviate queries: answer repeats from memory.
        let memo = MemoizingBackend(backend)
        let types = Array(Set(file.queries.map(\.type))).sorted()
        let counts = types.map { t in "\(t) \(file.queries.filter { $0.type == t }.count)" }
        print("bench-ranking: \(file.queries.count) queries (\(counts.joined(separator: ", ")))")
        print(RankingMetrics.header())
        var byType: [(String, RankingMetrics)] = []
        var missesOfDefault: [String] = []
        for ranker in Self.rankers {
            let engine = SearchEngine(backend: memo, ranker: ranker)
            var all = RankingMetrics()
            var perType: [String: RankingMetrics] = [:]
            for (q, vector) in zip(file.queries, vectors) {
                let results = try await engine.search(
                    vector: vector, type: try ConceptType.parse(q.type), limit: 10, text: q.query)
                let rank = RankingMetrics.firstRank(results.map(\.uri), accepted: Set(q.accept))
                all.add(rank: rank)
                perType[q.type, default: RankingMetrics()].add(rank: rank)
                if ranker.name == SearchEngine.defaultRanker.name, rank != 1 {
                    missesOfDefault.append(
                        "\(q.query) [\(q.kind)] → \(rank.map { "rank \($0)" } ?? "not in 10"), first: "
                            + (results.first?.label ?? "-"))
                }
            }
            let label = ranker.name == Self.reference.name ? "reference: " + ranker.name : ranker.name
            print(all.row(label + (ranker.name == SearchEngine.defaultRanker.name ? " (default)" : "")))
            byType += types.map { ("\(label) · \($0)", perType[$0]!) }
        }
        print("\nper concept type")
        print(RankingMetrics.header())
        for (name, m) in byType { print(m.row(name)) }
        print("\nnot first with the default ranker (\(missesOfDefault.count)):")
        for miss in missesOfDefault { print("  " + miss) }
        if let exact = file.exact, !exact.isEmpty {
            try await checkExact(exact, backend: backend)
        }
        withExtendedLifetime(services) {}
    }

    /// Every sampled preferred label must find its concept first with the default ranker.
    func checkExact(_ exact: [Query], backend: WeaviateSearchBackend) async throws {
        let engine = SearchEngine(backend: backend)
        var misses: [String] = []
        for chunk in stride(from: 0, to: exact.count, by: 64).map({ Array(exact[$0..<min($0 + 64, exact.count)]) }) {
            let vectors = try await backend.vectorize(chunk.map(\.query))
            for (q, vector) in zip(chunk, vectors) {
                let results = try await engine.search(
                    vector: vector, type: try ConceptType.parse(q.type), limit: 1, text: q.query)
                if results.first.map({ q.accept.contains($0.uri) }) != true {
                    misses.append("\(q.type) \"\(q.query)\" → \(results.first?.label ?? "nothing")")
                }
            }
        }
        print("\nexact preferred label first (default ranker): \(exact.count - misses.count)/\(exact.count)")
        for miss in misses { print("  " + miss) }
        #expect(misses.isEmpty, "\(misses.count) preferred labels not first: \(misses.prefix(10))")
    }

    static func backend(weaviateURL: String, vectorizerURL: String) -> WeaviateSearchBackend {
        var config = ESCOConfiguration(profile: "bench")
        config.weaviate.url = weaviateURL
        config.weaviate.requestTimeout = .seconds(300)
        config.vectorizer.url = vectorizerURL
        config.vectorizer.requestTimeout = .seconds(600)
        let clients = ServiceClients(config: config, logger: Logger(label: "bench-ranking"))
        return WeaviateSearchBackend(
            weaviate: clients.weaviate, vectorizer: clients.vectorizerClient, stateReader: { nil })
    }
}

/// A `SearchBackend` that answers a repeated `nearVector` query from memory (the bench only).
actor MemoizingBackend: SearchBackend {
    let base: any SearchBackend
    private var answers: [String: [VectorHit]] = [:]

    init(_ base: any SearchBackend) { self.base = base }

    nonisolated func vectorize(_ texts: [String]) async throws -> [[Float]] { try await base.vectorize(texts) }

    func nearVector(className: String, vector: [Float], filter: WhereFilter?, limit: Int, properties: [String])
        async throws -> [VectorHit]
    {
        let key = "\(className)|\(vector.hashValue)|\(filter.map { "\($0)" } ?? "-")|\(limit)|\(properties)"
        if let hit = answers[key] { return hit }
        let hits = try await base.nearVector(
            className: className, vector: vector, filter: filter, limit: limit, properties: properties)
        answers[key] = hits
        return hits
    }

    nonisolated func objects(className: String, filter: WhereFilter, fields: [GraphQLField], limit: Int) async throws
        -> [JSONValue]
    {
        try await base.objects(className: className, filter: filter, fields: fields, limit: limit)
    }

    nonisolated func ingestionState() async throws -> IngestionState? { try await base.ingestionState() }
}
