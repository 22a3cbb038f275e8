import ESCOSearch
import Foundation
import SearchTestSupport
import Testing

/// Not a test: the ranking measurement of docs/ARCHITECTURE.md#search, run by `scripts/bench-ranking` with the real
/// all-MiniLM-L6-v2 server and resources/ranking-queries.yaml (converted to JSON by the script).
@Suite struct RankingBenchmark {
    static let env = ProcessInfo.processInfo.environment

    struct Query: Decodable {
        var query: String
        var type: String
        var kind: String
        var accept: [String]
    }

    struct File: Decodable { var queries: [Query] }

    @Test(.enabled(if: env["ESCO_BENCH_T2V_URL"] != nil && env["ESCO_BENCH_QUERIES_JSON"] != nil))
    func measure() async throws {
        let file = try JSONDecoder().decode(
            File.self, from: try Data(contentsOf: URL(fileURLWithPath: Self.env["ESCO_BENCH_QUERIES_JSON"]!)))
        let services = try StandInServices(vectorizerURL: Self.env["ESCO_BENCH_T2V_URL"]!)
        let t0 = Date()
        try await services.ingestSample()
        print("bench-ranking: sample ingested with the real model in \(Int(Date().timeIntervalSince(t0))) s")
        let rankers: [any Ranker] = [
            FusedRanker(labelWeight: 0.6), FusedRanker(labelWeight: 0.5), FusedRanker(labelWeight: 0.7),
            FusedRanker(labelWeight: 0.8), LabelOnlyRanker(), ConceptOnlyRanker(),
        ]
        print("bench-ranking: \(file.queries.count) queries")
        print("ranker            top-1   top-5   misses (top-5)")
        for ranker in rankers {
            let engine = SearchEngine(backend: services.backend, ranker: ranker)
            var top1 = 0
            var top5 = 0
            var misses: [String] = []
            for q in file.queries {
                let results = try await engine.search(
                    try SearchQuery(text: q.query, type: try ConceptType.parse(q.type), limit: 5))
                if let first = results.first, q.accept.contains(first.uri) { top1 += 1 }
                if results.contains(where: { q.accept.contains($0.uri) }) {
                    top5 += 1
                } else {
                    misses.append("\(q.query) → \(results.first?.label ?? "-")")
                }
            }
            let n = Double(file.queries.count)
            print(
                ranker.name.padding(toLength: 17, withPad: " ", startingAt: 0)
                    + String(format: " %5.1f%%  %5.1f%%   ", Double(top1) / n * 100, Double(top5) / n * 100)
                    + misses.joined(separator: "; "))
            #expect(top5 >= 0)
        }
    }
}
