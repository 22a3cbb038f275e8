import ESCOClients
import ESCOCore
import ESCORuntime
import ESCOSearch
import ESCOStandIns
import Foundation
import SearchTestSupport
import TestSupport
import Testing

/// Issue 14, item 3: `esco rollback` (a real process) serves the previous generation again, and a second one goes
/// forward; counts stay exact and `esco-supervise verify` passes after each; the mounted (newer) data is not rebuilt
/// behind the operator's back.
@Suite(.serialized) struct GenerationRollbackTests {
    let upgrade = GenerationUpgradeTests()

    func run(_ binary: String, _ args: [String], _ config: String) async throws -> Harness.Result {
        try await Harness.run(
            binary == "esco" ? DatasetPaths.escoBinary : Harness.binary(binary),
            args + ["--config", config, "--profile", "test"], timeout: 600)
    }

    /// `esco-supervise verify --json`: exit status and whether every check passed.
    func verify(_ config: String) async throws -> (status: Int32, ok: Bool, output: String) {
        let r = try await run("esco-supervise", ["verify", "--json"], config)
        let json = try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        return (r.status, json?["ok"] as? Bool == true, r.stdout + r.stderr)
    }

    @Test func rollbackServesThePreviousGenerationAndASecondOneGoesForward() async throws {
        let services = try StandInServices()
        let client = services.clients.weaviate
        let engine = SearchEngine(backend: services.backend)
        try await withTemporaryDirectory { dir in
            let old = try Harness.writeConfig(
                in: dir, weaviate: services.weaviate.url, vectorizer: services.vectorizer!.url)
            let new = try Harness.writeConfig(
                in: dir.appendingPathComponent("new", isDirectory: true).creatingDirectory(),
                weaviate: services.weaviate.url, vectorizer: services.vectorizer!.url,
                data: try GenerationUpgradeTests.modifiedSample(in: dir))
            let nothing = try await run("esco", ["rollback"], old)
            #expect(nothing.status == 2, "\(nothing.stderr)")
            #expect(try await run("esco", ["ingest"], old).status == 0)
            let single = try await run("esco", ["rollback"], old)
            #expect(single.status == 2)
            #expect(single.stderr.contains("no previous data generation is kept"), "\(single.stderr)")
            let upgraded = try await run("esco", ["ingest"], new)
            #expect(upgraded.status == 0, "\(upgraded.stderr)")
            #expect(try await verify(new).ok)

            let back = try await run("esco", ["rollback"], new)
            #expect(back.status == 0, "\(back.stderr)")
            #expect(back.stdout.contains("serving g1"), "\(back.stdout)")
            let s1 = try #require(try await services.clients.store.read())
            #expect(s1.status == .completed)
            #expect(s1.generations.serving?.number == 1)
            #expect(s1.generations.previous.map(\.number) == [2])
            #expect(try await upgrade.aliasTarget(client, "Skill") == "Skill_g1")
            #expect(try await upgrade.label(engine, GenerationUpgradeTests.relabelled) == "cure tobacco leaves")
            #expect(try await upgrade.label(engine, GenerationUpgradeTests.added) == nil)
            // Exact counts and references of generation 1, with the newer data still mounted.
            let afterBack = try await verify(new)
            #expect(afterBack.status == 0 && afterBack.ok, "\(afterBack.output)")
            #expect(afterBack.output.contains("serving g1 (ESCO "), "\(afterBack.output)")
            let status = try await run("esco", ["status"], new)
            #expect(status.status == 0, "\(status.stdout) \(status.stderr)")
            #expect(status.stdout.contains("serving:      g1 (ESCO "), "\(status.stdout)")
            #expect(status.stdout.contains("previous:     g2 (ESCO "), "\(status.stdout)")
            #expect(
                status.stdout.contains("the mounted dataset is previous generation g2 (rolled back;"),
                "\(status.stdout)")
            // The mounted data is a kept generation: not rebuilt unless forced.
            let again = try await run("esco", ["ingest"], new)
            #expect(again.status == 0)
            #expect(again.stdout.contains("already loaded"), "\(again.stdout)")
            #expect(try await services.clients.store.read()?.generations.serving?.number == 1)

            let forward = try await run("esco", ["rollback"], new)
            #expect(forward.status == 0, "\(forward.stderr)")
            let s2 = try #require(try await services.clients.store.read())
            #expect(s2.generations.serving?.number == 2)
            #expect(s2.generations.previous.map(\.number) == [1])
            #expect(try await upgrade.aliasTarget(client, "Skill") == "Skill_g2")
            #expect(try await client.aggregateCount(className: "Skill_g2") == 300)
            #expect(try await upgrade.label(engine, GenerationUpgradeTests.added) == "operate data generations")
            let afterForward = try await verify(new)
            #expect(afterForward.status == 0 && afterForward.ok, "\(afterForward.output)")
        }
    }

    /// A switch deletes the generations it drops before the state write that moves readers. Killed in between,
    /// the state still lists a deleted generation as previous. Generation 0 has no aliases for Weaviate to refuse,
    /// so the rollback itself must see the missing classes and switch nothing.
    @Test func aRollbackToAGenerationWhoseClassesAreGoneSwitchesNothing() async throws {
        let services = try StandInServices()
        let client = services.clients.weaviate
        try await upgrade.makeUnversionedDeployment(services)
        try await withTemporaryDirectory { dir in
            let config = try Harness.writeConfig(
                in: dir, weaviate: services.weaviate.url, vectorizer: services.vectorizer!.url,
                data: try GenerationUpgradeTests.modifiedSample(in: dir))
            #expect(try await run("esco", ["ingest"], config).status == 0)
            try await client.deleteClass("Skill")  // what a switch killed after its first delete leaves
            let before = try #require(try await services.clients.store.read())
            #expect(before.generations.previous.map(\.number) == [0])

            let refused = try await run("esco", ["rollback"], config)
            #expect(refused.status == 1, "\(refused.stderr)")
            #expect(refused.stderr.contains("generation g0 is incomplete, classes missing: Skill"), "\(refused.stderr)")
            let after = try #require(try await services.clients.store.read())
            #expect(after.generations == before.generations)
            #expect(after.status == .completed)
            #expect(try await verify(config).ok)
        }
    }
}

extension URL {
    fileprivate func creatingDirectory() throws -> URL {
        try FileManager.default.createDirectory(at: self, withIntermediateDirectories: true)
        return self
    }
}
