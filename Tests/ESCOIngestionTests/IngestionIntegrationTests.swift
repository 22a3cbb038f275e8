import ESCOClients
import ESCOConfig
import ESCOCore
import ESCOIngestion
import ESCOStandIns
import Foundation
import Logging
import TestSupport
import Testing

/// `esco ingest` as a real process against the in-process stand-ins over loopback HTTP.
@Suite(.serialized) struct IngestionIntegrationTests {
    func ingest(_ config: String, _ extra: [String] = [], env: [String: String] = [:]) async throws -> Harness.Result {
        try await Harness.run(
            DatasetPaths.escoBinary, ["ingest", "--config", config, "--profile", "test"] + extra, environment: env)
    }

    /// Counts and reference totals against `esco dataset stats` (the sample has no dangling references).
    func expectExact(_ snap: StoreSnapshot, _ stats: DatasetStatsJSON) {
        #expect(snap.count("Skill") == stats.int("skills"))
        #expect(snap.count("Occupation") == stats.int("occupations"))
        #expect(snap.count("ISCOGroup") == stats.int("iscoGroups"))
        #expect(snap.count("SkillGroup") == stats.int("skillGroups"))
        #expect(snap.count("SkillCollection") == 7)
        #expect(snap.refs("Occupation", "essentialSkills") == stats.int("occupationSkillRelations", "essential"))
        #expect(snap.refs("Skill", "essentialForOccupations") == stats.int("occupationSkillRelations", "essential"))
        #expect(snap.refs("Occupation", "optionalSkills") == stats.int("occupationSkillRelations", "optional"))
        #expect(snap.refs("Skill", "optionalForOccupations") == stats.int("occupationSkillRelations", "optional"))
        #expect(snap.refs("Skill", "essentialSkills") == stats.int("skillSkillRelations", "essential"))
        #expect(snap.refs("Skill", "essentialForSkills") == stats.int("skillSkillRelations", "essential"))
        #expect(snap.refs("Skill", "optionalSkills") == stats.int("skillSkillRelations", "optional"))
        #expect(snap.refs("Skill", "optionalForSkills") == stats.int("skillSkillRelations", "optional"))
        let occ = "broaderOccupationPillar", skl = "broaderSkillPillar"
        #expect(snap.refs("ISCOGroup", "broaderGroup") == stats.int(occ, "byKinds", "ISCOGroup->ISCOGroup"))
        #expect(snap.refs("ISCOGroup", "narrowerGroups") == stats.int(occ, "byKinds", "ISCOGroup->ISCOGroup"))
        #expect(snap.refs("Occupation", "broaderOccupation") == stats.int(occ, "byKinds", "Occupation->Occupation"))
        #expect(snap.refs("Occupation", "narrowerOccupations") == stats.int(occ, "byKinds", "Occupation->Occupation"))
        // Every occupation has exactly one ISCO group: its broader relation or, under a broader occupation, its code.
        #expect(snap.refs("Occupation", "iscoGroup") == stats.int("occupations"))
        #expect(snap.refs("ISCOGroup", "occupations") == stats.int("occupations"))
        #expect(
            snap.refs("Skill", "broaderSkills")
                == stats.int(skl, "byKinds", "KnowledgeSkillCompetence->KnowledgeSkillCompetence"))
        #expect(
            snap.refs("Skill", "narrowerSkills")
                == stats.int(skl, "byKinds", "KnowledgeSkillCompetence->KnowledgeSkillCompetence"))
        #expect(snap.refs("Skill", "skillGroups") == stats.int(skl, "byKinds", "KnowledgeSkillCompetence->SkillGroup"))
        #expect(snap.refs("SkillGroup", "skills") == stats.int(skl, "byKinds", "KnowledgeSkillCompetence->SkillGroup"))
        #expect(snap.refs("SkillGroup", "broaderGroups") == stats.int(skl, "byKinds", "SkillGroup->SkillGroup"))
        #expect(snap.refs("SkillGroup", "narrowerGroups") == stats.int(skl, "byKinds", "SkillGroup->SkillGroup"))
        #expect(snap.refs("Skill", "collections") + snap.refs("Occupation", "collections") == stats.collectionMembers)
        #expect(
            snap.refs("SkillCollection", "skills") + snap.refs("SkillCollection", "occupations")
                == stats.collectionMembers)
        #expect(snap.duplicateReferences.isEmpty)
        let missingVectors = snap.objects.values.flatMap(\.values).filter { ($0.vector ?? []).isEmpty }.count
        #expect(missingVectors == 0)
    }

    @Test func ingestsExactlyThenRerunAndForcedRunChangeNothing() async throws {
        let stats = try await DatasetStatsJSON.load(DatasetPaths.sample)
        try await withTemporaryDirectory { dir in
            try await withWeaviateStandIn { w in
                try await withVectorizerStandIn { v in
                    let config = try Harness.writeConfig(in: dir, weaviate: w, vectorizer: v, labelVectors: true)
                    let first = try await ingest(config)
                    #expect(first.status == 0, "\(first.stderr)")
                    #expect(first.stdout.contains("ingestion completed and verified"))
                    let snap1 = try await StoreSnapshot.read(w)
                    expectExact(snap1, stats)
                    #expect(try await readState(w)?.status == .completed)

                    let second = try await ingest(config)
                    #expect(second.status == 0)
                    #expect(second.stdout.contains("already loaded and complete"))
                    #expect(second.stdout.contains("--force-reingest"))
                    #expect(try await StoreSnapshot.read(w) == snap1)

                    let forced = try await ingest(config, ["--force-reingest"])
                    #expect(forced.status == 0, "\(forced.stderr)")
                    let snap3 = try await StoreSnapshot.read(w)
                    #expect(snap3 == snap1)
                }
            }
        }
    }

    @Test func injectedErrorsAndDroppedConnectionsStillGiveExactData() async throws {
        let stats = try await DatasetStatsJSON.load(DatasetPaths.sample)
        try await withTemporaryDirectory { dir in
            var faults = Faults()
            faults.errorRate = 0.05
            faults.dropRate = 0.05
            faults.seed = 42
            try await withWeaviateStandIn(.init(faults: faults)) { w in
                try await withVectorizerStandIn { v in
                    let config = try Harness.writeConfig(in: dir, weaviate: w, vectorizer: v, retries: 10)
                    let r = try await ingest(config)
                    #expect(r.status == 0, "\(r.stderr.suffix(2000))")
                    var clean = faults
                    clean.errorRate = 0
                    clean.dropRate = 0
                    _ = try RawHTTP.json(w, "POST", "/_standin/faults", ["errorRate": 0, "dropRate": 0])
                    expectExact(try await StoreSnapshot.read(w), stats)
                }
            }
        }
    }

    @Test func brokenRowMidFileFailsWithStepAndReasonNeverCompleted() async throws {
        try await withTemporaryDirectory { dir in
            let data = dir.appendingPathComponent("data")
            try FileManager.default.copyItem(atPath: DatasetPaths.sample, toPath: data.path)
            let skills = data.appendingPathComponent("skills_en.csv")
            var text = try String(contentsOf: skills, encoding: .utf8)
            // Half-way through the file, open a quote that never closes.
            let mid = text.index(text.startIndex, offsetBy: text.count / 2)
            let lineStart = text[..<mid].lastIndex(of: "\n").map { text.index(after: $0) } ?? mid
            text.insert(contentsOf: "\"broken,", at: lineStart)
            try text.write(to: skills, atomically: true, encoding: .utf8)
            try await withWeaviateStandIn { w in
                try await withVectorizerStandIn { v in
                    let config = try Harness.writeConfig(in: dir, weaviate: w, vectorizer: v, data: data.path)
                    let r = try await ingest(config)
                    #expect(r.status != 0)
                    #expect(r.stderr.contains("skills_en.csv:"))
                    let state = try #require(try await readState(w))
                    #expect(state.status == .failed)
                    #expect(state.error.contains("skills_en.csv:"))
                    #expect(state.error.contains("step "))
                }
            }
        }
    }

    @Test func twoConcurrentIngestsExactlyOneRunsTheOtherExits1() async throws {
        try await withTemporaryDirectory { dir in
            var faults = Faults()
            faults.createWindowMs = 200
            try await withWeaviateStandIn(.init(faults: faults)) { w in
                try await withVectorizerStandIn { v in
                    let config = try Harness.writeConfig(in: dir, weaviate: w, vectorizer: v, settleMilliseconds: 400)
                    let a = try Harness.start(
                        DatasetPaths.escoBinary, ["ingest", "--config", config, "--profile", "test"])
                    let b = try Harness.start(
                        DatasetPaths.escoBinary, ["ingest", "--config", config, "--profile", "test"])
                    let ra = await Harness.finish(a.0, a.1, a.2)
                    let rb = await Harness.finish(b.0, b.1, b.2)
                    #expect(
                        Set([ra.status, rb.status]) == [0, 1], "a: \(ra.stderr.suffix(500)) b: \(rb.stderr.suffix(500))"
                    )
                    let loser = ra.status == 1 ? ra : rb
                    #expect(loser.stderr.contains("another ingestion"))
                    #expect(try await readState(w)?.status == .completed)
                }
            }
        }
    }
}
