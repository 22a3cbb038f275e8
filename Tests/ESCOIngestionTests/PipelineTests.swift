import ESCOClients
import ESCOCore
import ESCODataset
import ESCOIngestion
import ESCORuntime
import ESCOSystem
import Logging
import TestSupport
import Testing

/// The pipeline and lease over in-memory fakes with the real sample data: fast, no HTTP.
/// (The same properties are checked over real HTTP against the stand-ins in IngestionIntegrationTests.)
@Suite struct PipelineTests {
    static let settings = IngestionRunner.Settings(
        lease: .init(ttlMs: 5_000, heartbeatMs: 1_000, settleMs: 20), batchSize: 64, labelVectors: true,
        lockDirectory: nil)

    func runner(_ w: InMemoryWeaviate, _ m: InMemoryMetadata, _ v: CountingVectorizer = CountingVectorizer()) throws
        -> IngestionRunner
    {
        IngestionRunner(
            dataset: try ESCODataset.open(DatasetPaths.sample), store: StateStore(backend: m), weaviate: w,
            vectorizer: v,
            settings: Self.settings, progress: SilentProgress(), logger: Logger(label: "test"))
    }

    @Test func ingestsExactCountsAndEveryReferenceList() async throws {
        let w = InMemoryWeaviate(), m = InMemoryMetadata()
        guard case .completed(let report, _) = try await runner(w, m).run(force: false) else {
            Issue.record("expected completed")
            return
        }
        #expect(report.ok)
        let objects = await w.snapshot()
        // Sample counts from resources/esco-sample/README.md (data rows per file).
        #expect(objects["Skill"]?.count == 300)
        #expect(objects["Occupation"]?.count == 60)
        #expect(objects["ISCOGroup"]?.count == 113)
        #expect(objects["SkillGroup"]?.count == 268)
        #expect(objects["SkillCollection"]?.count == 7)
        // 368 essential + 289 optional occupation-skill rows, stored on both ends.
        func refs(_ c: String, _ p: String) -> Int {
            objects[c]?.values.reduce(0) { $0 + ($1.properties[p]?.arrayValue?.count ?? 0) } ?? 0
        }
        #expect(refs("Occupation", "essentialSkills") == 368)
        #expect(refs("Skill", "essentialForOccupations") == 368)
        #expect(refs("Occupation", "optionalSkills") == 289)
        #expect(refs("Skill", "optionalForOccupations") == 289)
        #expect(refs("Skill", "essentialSkills") + refs("Skill", "optionalSkills") == 16)
        #expect(refs("Skill", "essentialForSkills") + refs("Skill", "optionalForSkills") == 16)
        // Every sample occupation has one ISCO group (from its broader relation or its iscoGroup code).
        #expect(objects["Occupation"]?.values.allSatisfy { $0.properties["iscoGroup"]?.arrayValue?.count == 1 } == true)
        #expect(objects.values.flatMap(\.values).allSatisfy { $0.vector != nil })
        let state = try await StateStore(backend: m).read()
        #expect(state?.status == .completed)
        #expect(state?.counts["Skill"] == 300)
    }

    @Test func secondRunSkipsAndForcedRunLeavesIdenticalData() async throws {
        let w = InMemoryWeaviate(), m = InMemoryMetadata()
        _ = try await runner(w, m).run(force: false)
        let first = await w.snapshot()
        guard case .alreadyComplete = try await runner(w, m).run(force: false) else {
            Issue.record("a second run must skip complete data")
            return
        }
        _ = try await runner(w, m).run(force: true)
        let second = await w.snapshot()
        #expect(first.mapValues { $0.count } == second.mapValues { $0.count })
        for (c, objs) in first {
            for (id, o) in objs {
                #expect(second[c]?[id]?.properties == o.properties)
                #expect(second[c]?[id]?.vector == o.vector)
            }
        }
    }

    @Test func failureMidwayRecordsFailedWithStepThenResumeSkipsFinishedSteps() async throws {
        let w = InMemoryWeaviate(), m = InMemoryMetadata()
        await w.setFailUpserts(after: 8)
        await #expect(throws: IngestionError.self) { _ = try await runner(w, m).run(force: false) }
        let failed = try #require(try await StateStore(backend: m).read())
        #expect(failed.status == .failed)
        #expect(failed.error.contains("step "))
        #expect(!failed.completedSteps.isEmpty)
        await w.setFailUpserts(after: nil)
        guard case .completed(_, let skipped) = try await runner(w, m).run(force: false) else {
            Issue.record("resume must complete")
            return
        }
        #expect(Set(skipped.map(\.rawValue)) == Set(failed.completedSteps).subtracting(["schema", "verify"]))
        #expect(!skipped.isEmpty)
    }

    @Test func liveLeaseOfAnotherRunMakesItBusy() async throws {
        let m = InMemoryMetadata()
        let other = IngestionState(
            status: .inProgress, runId: "other", holder: "elsewhere:1", generation: 1,
            leaseExpiresAtMs: WallClock.nowMs() + 60_000, startedAtMs: WallClock.nowMs())
        try await StateStore(backend: m).writeCurrent(other, nowMs: WallClock.nowMs())
        guard case .busy(let e) = try await runner(InMemoryWeaviate(), m).run(force: false) else {
            Issue.record("expected busy")
            return
        }
        #expect(e.description.contains("elsewhere:1"))
    }

    @Test func concurrentRunnersExactlyOneIngests() async throws {
        let w = InMemoryWeaviate(), m = InMemoryMetadata()
        let a = try runner(w, m), b = try runner(w, m)
        async let ra = a.run(force: false)
        async let rb = b.run(force: false)
        let outcomes = try await [ra, rb]
        let completed = outcomes.filter { if case .completed = $0 { true } else { false } }.count
        let busy = outcomes.filter { if case .busy = $0 { true } else { false } }.count
        #expect(completed == 1)
        #expect(busy == 1)
    }
}
