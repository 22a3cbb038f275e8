import ESCOClients
import ESCOConfig
import ESCOCore
import ESCODataset
import ESCOIngestion
import ESCORuntime
import ESCOSearch
import ESCOStandIns
import Foundation
import Logging
import SearchTestSupport
import TestSupport
import Testing

/// Issue 14, items 1, 2 and 5: `esco ingest` (a real process) of another dataset builds the next data generation in
/// its own classes, switches the aliases and the state to it, keeps one previous generation and deletes older ones;
/// a deployment made before generations keeps serving from its plain classes until its first upgrade has switched.
/// Readers (`SearchEngine.concept`, the `show` path, with reference fields) read the serving generation only.
@Suite(.serialized) struct GenerationUpgradeTests {
    static let relabelled = UpgradeLoad.relabelled
    static let removed = UpgradeLoad.removed
    static let added = UpgradeLoad.added

    static func modifiedSample(in dir: URL) throws -> String { try UpgradeLoad.modifiedSample(in: dir) }

    func ingest(_ config: String, _ extra: [String] = []) async throws -> Harness.Result {
        try await Harness.run(
            DatasetPaths.escoBinary, ["ingest", "--config", config, "--profile", "test"] + extra, timeout: 600)
    }

    func label(_ engine: SearchEngine, _ uri: String) async throws -> String? {
        do { return try await engine.concept(.uri(uri)).label } catch let e as SearchError where e.status == 404 {
            return nil
        }
    }

    func aliasTarget(_ client: WeaviateClient, _ name: String) async throws -> String? {
        try await client.alias(named: name)?.className
    }

    func classExists(_ client: WeaviateClient, _ name: String) async throws -> Bool {
        let schema = try await client.getSchema()
        return (schema["classes"]?.arrayValue ?? []).contains { $0["class"]?.stringValue == name }
    }

    @Test func anUpgradeBuildsTheNextGenerationSwitchesToItAndKeepsOnePrevious() async throws {
        let services = try StandInServices()
        let client = services.clients.weaviate
        let engine = SearchEngine(backend: services.backend)
        try await withTemporaryDirectory { dir in
            let modified = try Self.modifiedSample(in: dir)
            let sampleConfig = try Harness.writeConfig(
                in: dir, weaviate: services.weaviate.url, vectorizer: services.vectorizer!.url)
            let first = try await ingest(sampleConfig)
            #expect(first.status == 0, "\(first.stderr)")
            let g1 = try #require(try await services.clients.store.read())
            #expect(g1.generations.serving?.number == 1)
            #expect(g1.generations.serving?.fingerprint == g1.fingerprint)
            #expect(g1.generations.serving?.datasetVersion.isEmpty == false)
            #expect(g1.generations.building == nil)
            #expect(try await aliasTarget(client, "Skill") == "Skill_g1")
            #expect(try await classExists(client, "Skill") == false)
            #expect(try await client.aggregateCount(className: "Skill_g1") == 300)
            // References stay inside the generation.
            let occupation = try #require(try await client.listObjects(className: "Occupation_g1", limit: 1).first)
            let beacons = (occupation.properties["essentialSkills"]?.arrayValue ?? []).compactMap {
                $0["beacon"]?.stringValue
            }
            #expect(!beacons.isEmpty && beacons.allSatisfy { $0.contains("/Skill_g1/") })
            let shown = try await engine.concept(.uri(Self.relabelled))
            #expect(shown.label == "cure tobacco leaves")
            #expect(shown.relations.contains { !$0.concepts.isEmpty })

            let upgradeConfig = try Harness.writeConfig(
                in: dir, weaviate: services.weaviate.url, vectorizer: services.vectorizer!.url, data: modified)
            let second = try await ingest(upgradeConfig)
            #expect(second.status == 0, "\(second.stderr)")
            let g2 = try #require(try await services.clients.store.read())
            #expect(g2.generations.serving?.number == 2)
            #expect(g2.generations.previous.map(\.number) == [1])
            #expect(g2.generations.previous.first?.fingerprint == g1.fingerprint)
            #expect(try await aliasTarget(client, "Skill") == "Skill_g2")
            #expect(try await aliasTarget(client, "Occupation") == "Occupation_g2")
            #expect(try await client.aggregateCount(className: "Skill_g2") == 300)
            #expect(try await client.aggregateCount(className: "Skill_g1") == 300)
            #expect(try await label(engine, Self.relabelled) == "cure tobacco leaves (relabelled)")
            #expect(try await label(engine, Self.removed) == nil)
            #expect(try await label(engine, Self.added) == "operate data generations")

            // Another build: generation 1 is two switches old and goes; generation 2 stays for a rollback.
            let third = try await ingest(upgradeConfig, ["--force-reingest"])
            #expect(third.status == 0, "\(third.stderr)")
            let g3 = try #require(try await services.clients.store.read())
            #expect(g3.generations.serving?.number == 3)
            #expect(g3.generations.previous.map(\.number) == [2])
            #expect(try await classExists(client, "Skill_g1") == false)
            #expect(try await classExists(client, "Skill_g2"))
            #expect(try await aliasTarget(client, "Skill") == "Skill_g3")
            #expect(try await label(engine, Self.added) == "operate data generations")
        }
    }

    @Test func anUnversionedDeploymentServesUntilItsFirstUpgradeSwitchesAndIsDeletedAtTheSecond() async throws {
        let services = try StandInServices()
        let client = services.clients.weaviate
        let engine = SearchEngine(backend: services.backend)
        try await makeUnversionedDeployment(services)
        #expect(try await services.clients.store.read()?.generations.serving?.number == 0)
        #expect(try await classExists(client, "Skill"))
        #expect(try await label(engine, Self.relabelled) == "cure tobacco leaves")

        try await withTemporaryDirectory { dir in
            let config = try Harness.writeConfig(
                in: dir, weaviate: services.weaviate.url, vectorizer: services.vectorizer!.url,
                data: try Self.modifiedSample(in: dir))
            let first = try await ingest(config)
            #expect(first.status == 0, "\(first.stderr)")
            let s1 = try #require(try await services.clients.store.read())
            #expect(s1.generations.serving?.number == 1)
            #expect(s1.generations.previous.map(\.number) == [0])
            // Generation 0 is kept for a rollback, so its class still has the stable name: no alias yet.
            #expect(try await classExists(client, "Skill"))
            #expect(try await aliasTarget(client, "Skill") == nil)
            #expect(try await label(engine, Self.relabelled) == "cure tobacco leaves (relabelled)")

            let second = try await ingest(config, ["--force-reingest"])
            #expect(second.status == 0, "\(second.stderr)")
            let s2 = try #require(try await services.clients.store.read())
            #expect(s2.generations.serving?.number == 2)
            #expect(s2.generations.previous.map(\.number) == [1])
            #expect(try await classExists(client, "Skill") == false)
            #expect(try await aliasTarget(client, "Skill") == "Skill_g2")
            #expect(try await label(engine, Self.added) == "operate data generations")
        }
    }

    /// What the release before generations left: the sample in plain-named classes, and a state without a
    /// generations record. Made with today's pipeline writing plain names (a store without generations), then the
    /// record removed from the stored state.
    func makeUnversionedDeployment(_ services: StandInServices) async throws {
        let plain = WeaviateGateway(
            client: services.clients.weaviate, schemaDirectory: services.config.weaviate.schemaDirectory,
            dataGeneration: 0)
        _ = try await plain.ensureSchema()
        var settings = services.clients.runnerSettings
        settings.labelVectors = false  // as Harness.writeConfig's profiles, so their mounted sample is what serves
        let runner = IngestionRunner(
            dataset: try ESCODataset.open(DatasetPaths.sample), store: services.clients.store,
            weaviate: WithoutGenerations(base: plain), vectorizer: services.clients.vectorizerClient,
            settings: settings, progress: QuietProgress(), logger: Logger(label: "test"))
        guard case .completed = try await runner.run(force: false) else {
            throw TestFailure("ingesting the sample into plain classes did not complete")
        }
        var props = try #require(try await services.clients.gateway.readMetadata(id: StateStore.stateID))
        guard case .object(var details) = try JSONCodec.parse(props["details"]?.stringValue ?? "")
        else { throw TestFailure("the state has no details object") }
        details["generations"] = nil
        props["details"] = .string(JSONCodec.encodeString(.object(details)))
        try await services.clients.gateway.upsertMetadata(id: StateStore.stateID, properties: props)
    }
}

/// A store that is not a `GenerationStore`: the pipeline writes the classes it is given, as before generations.
struct WithoutGenerations: WeaviateWriting {
    let base: any WeaviateWriting
    func ensureSchema() async throws -> String { try await base.ensureSchema() }
    func upsert(className: String, objects: [WriteObject]) async throws {
        try await base.upsert(className: className, objects: objects)
    }
    func count(className: String) async throws -> Int { try await base.count(className: className) }
    func listIDs(className: String, limit: Int) async throws -> [String] {
        try await base.listIDs(className: className, limit: limit)
    }
    func delete(className: String, ids: [String]) async throws { try await base.delete(className: className, ids: ids) }
    func fetch(className: String, id: String) async throws -> FetchedObject? {
        try await base.fetch(className: className, id: id)
    }
    func nearest(className: String, vector: [Float], limit: Int) async throws -> [String] {
        try await base.nearest(className: className, vector: vector, limit: limit)
    }
}
