import ESCOCore
import ESCORuntime
import ESCOSearchServer
import ESCOSystem
import Foundation
import SearchTestSupport
import Testing

/// Issue 14, item 4: `/readyz` is 200 while an earlier generation serves during an upgrade (or after a failed
/// one, or a rollback), names the serving generation, and is 503 only when no kept generation has the mounted data.
@Suite struct GenerationReadinessTests {
    func gen(_ n: Int, _ fp: String) -> DataGeneration {
        DataGeneration(number: n, datasetVersion: "1.2.0", fingerprint: fp)
    }

    func report(_ state: IngestionState, mounted: String = "B") async -> Readiness.Report {
        await Readiness(expectedFingerprint: mounted, cacheSeconds: 0, read: { state }).report()
    }

    @Test func anUpgradeInProgressOrFailedKeepsTheServingGenerationReady() async {
        let now = WallClock.nowMs()
        var state = IngestionState(
            status: .inProgress, leaseExpiresAtMs: now + 60_000, step: "skills", stepIndex: 5, stepCount: 14,
            fingerprint: "B", generations: Generations(serving: gen(1, "A"), building: gen(2, "B")))
        let upgrading = await report(state)
        #expect(upgrading.ready)
        #expect(upgrading.status == "upgrading")
        #expect(upgrading.generation == "g1")
        #expect(upgrading.reason.contains("generation g2 is being built (step skills, 5/14)"), "\(upgrading.reason)")
        state.status = .failed
        state.error = "step skills: vectorizer down"
        let failed = await report(state)
        #expect(failed.ready)
        #expect(failed.reason.contains("vectorizer down"))
        // Another dataset mounted that nothing builds: the served data is not what the operator mounted.
        let other = await report(state, mounted: "C")
        #expect(!other.ready)
    }

    @Test func afterASwitchOrARollbackTheKeptGenerationsCountAsTheMountedData() async {
        let switched = IngestionState(
            status: .completed, fingerprint: "B",
            generations: Generations(serving: gen(2, "B"), previous: [gen(1, "A")]))
        let current = await report(switched)
        #expect(current.ready && current.status == "completed" && current.generation == "g2")
        // A search pod still mounting the old data answers from the whole new generation.
        #expect(await report(switched, mounted: "A").ready)
        let rolledBack = IngestionState(
            status: .completed, fingerprint: "A",
            generations: Generations(serving: gen(1, "A"), previous: [gen(2, "B")]))
        let back = await report(rolledBack)
        #expect(back.ready && back.generation == "g1")
        // Nothing serves yet while the first generation is built.
        let first = IngestionState(
            status: .inProgress, leaseExpiresAtMs: WallClock.nowMs() + 60_000, fingerprint: "B",
            generations: Generations(building: gen(1, "B")))
        let building = await report(first)
        #expect(!building.ready && building.generation.isEmpty)
    }

    @Test func searchAnswersNameTheGenerationTheyCameFrom() async throws {
        let services = try await SampleFixture.shared.ingested()
        try await withSearchRouter(try services.server(cacheSeconds: 0)) { client in
            let ready = try await client.request("GET", "/readyz")
            let readyJSON = try JSONSerialization.jsonObject(with: ready.body) as? [String: Any]
            let served = try #require(try await services.clients.store.read()?.generations.serving?.number)
            #expect(readyJSON?["generation"] as? String == "g\(served)")
            let search = try await client.request("GET", "/search?q=welder")
            #expect(search.status == 200)
            let json = try JSONSerialization.jsonObject(with: search.body) as? [String: Any]
            #expect(json?["generation"] as? String == "g\(served)")
            #expect((json?["results"] as? [Any])?.isEmpty == false)
            let uri = "http://data.europa.eu/esco/skill/00eada7f-0b83-4f0c-af81-d7f92d838000"
            let concept = try await client.request("GET", "/concepts?uri=\(uri)")
            #expect(concept.status == 200, "\(concept.text)")
            #expect((try concept.json() as? [String: Any])?["generation"] as? String == "g\(served)")
            let enrich = try await client.request(
                "POST", "/enrich", body: Data(#"{"title": "welder", "description": "welds steel"}"#.utf8))
            #expect(enrich.status == 200, "\(enrich.text)")
            #expect((try enrich.json() as? [String: Any])?["generation"] as? String == "g\(served)")
        }
    }
}
