import ESCOClients
import ESCOCore
import ESCODataset
import ESCOIngestion
import ESCORuntime
import Foundation
import Logging
import TestSupport
import Testing

/// The ingestion's view of the dataset: the compact relation index, documents streamed from their files again at
/// each step, and the check that a file replaced during a run fails the step instead of mixing two datasets.
@Suite struct DatasetModelTests {
    static func csv(_ lines: [String]) -> [UInt8] { Array(lines.map { $0 + "\r\n" }.joined().utf8) }

    static let skills = csv([
        "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,hiddenLabels,status,modifiedDate,"
            + "scopeNote,definition,inScheme,description",
        "KnowledgeSkillCompetence,http://x/skill/1,skill/competence,transversal,one,\"uno\nein\",,released,,,,,d1",
        "KnowledgeSkillCompetence,http://x/skill/2,knowledge,,two,,hidden two,released,,,,,d2",
        "KnowledgeSkillCompetence,http://x/skill/3,knowledge,,three,,,released,,,,,d3",
    ])

    @Test func referenceListsKeepDatasetOrderWithoutRepeatsAndCountDanglingRows() throws {
        let relations = Self.csv([
            "occupationUri,relationType,skillType,skillUri",
            "http://x/occ/1,essential,knowledge,http://x/skill/2",
            "http://x/occ/1,essential,skill/competence,http://x/skill/1",
            "http://x/occ/1,essential,knowledge,http://x/skill/2",
            "http://x/occ/1,optional,knowledge,http://x/skill/3",
            "http://x/occ/9,optional,knowledge,http://x/skill/2",
        ])
        try DatasetFixture.withMinimal(replacing: [
            "skills_en.csv": Self.skills, "occupationSkillRelations.csv": relations,
        ]) { path in
            let model = try DatasetModel(dataset: try ESCODataset.open(path), fingerprint: "f")
            let r = model.relations
            #expect(
                r.targets("Occupation", "http://x/occ/1", "essentialSkills").map(\.uri) == [
                    "http://x/skill/2", "http://x/skill/1",
                ])
            #expect(r.targets("Occupation", "http://x/occ/1", "optionalSkills").map(\.uri) == ["http://x/skill/3"])
            #expect(r.targets("Skill", "http://x/skill/2", "essentialForOccupations").map(\.uri) == ["http://x/occ/1"])
            #expect(r.targets("Skill", "http://x/skill/1", "optionalForSkills").isEmpty)
            #expect(r.targets("Skill", "http://x/skill/2", "optionalForSkills").map(\.uri) == ["http://x/skill/1"])
            // The occupation's ISCO group comes from its broader relation and from its code: listed once.
            #expect(r.targets("Occupation", "http://x/occ/1", "iscoGroup").map(\.uri) == ["http://x/isco/2511"])
            let target = try #require(r.targets("Occupation", "http://x/occ/1", "iscoGroup").first)
            #expect(target.className == "ISCOGroup" && target.id == ObjectID.uuid5("http://x/isco/2511"))
            #expect(r.dangling["occupationSkillRelations"] == 1)
            // Occupation: 2 essential + 1 optional + 1 ISCO group. Skills: the occupation's 3 other ends, the
            // skill-skill row's 2 ends, and skill 1's skill group.
            #expect(r.referenceCount("Occupation") == 4)
            #expect(r.referenceCount("Skill") == 3 + 2 + 1)
            #expect(model.count("Skill") == 3 && model.count("Occupation") == 1 && model.conceptCount == 6)
        }
    }

    @Test func collectionsAreObjectsEvenWhenEveryMemberDangles() throws {
        let header =
            "conceptType,conceptUri,preferredLabel,status,skillType,reuseLevel,altLabels,description,"
            + "broaderConceptUri,broaderConceptPT"
        try DatasetFixture.withMinimal(replacing: [
            "skills_en.csv": Self.skills,
            "digitalSkillsCollection_en.csv": Self.csv([
                header, "KnowledgeSkillCompetence,http://x/skill/2,two,released,,,,,,",
                "KnowledgeSkillCompetence,http://x/skill/404,gone,released,,,,,,",
            ]),
            "greenSkillsCollection_en.csv": Self.csv([
                header, "KnowledgeSkillCompetence,http://x/skill/405,gone,released,,,,,,",
            ]),
        ]) { path in
            let model = try DatasetModel(dataset: try ESCODataset.open(path), fingerprint: "f")
            let collections = try model.loadDocuments("SkillCollection")
            #expect(collections.map(\.uri) == [CollectionKind.digital, .green].map(\.conceptSchemeURI))
            #expect(model.count("SkillCollection") == 2)
            // Prune keeps both objects, the one without a single valid member too.
            #expect(try model.objectIDs("SkillCollection") == Set(collections.map { UUID(uuidString: $0.id)! }))
            let digital = CollectionKind.digital.conceptSchemeURI
            #expect(model.relations.targets("SkillCollection", digital, "skills").map(\.uri) == ["http://x/skill/2"])
            #expect(model.relations.targets("Skill", "http://x/skill/2", "collections").map(\.uri) == [digital])
            #expect(
                model.relations.dangling["collection:digital"] == 1 && model.relations.dangling["collection:green"] == 1
            )
        }
    }

    @Test func documentsAndLabelsAreStreamedInDatasetOrderWithTheirCounts() throws {
        try DatasetFixture.withMinimal(replacing: ["skills_en.csv": Self.skills]) { path in
            let model = try DatasetModel(dataset: try ESCODataset.open(path), fingerprint: "f")
            #expect(
                try model.loadDocuments("Skill").map(\.uri) == [
                    "http://x/skill/1", "http://x/skill/2", "http://x/skill/3",
                ])
            let stream = model.labels()
            var labels: [LabelDocument] = []
            while let l = try stream.next() { labels.append(l) }
            #expect(labels.count == model.labelCount)
            // ISCO group, skill group, then skills in file order with their alternative and hidden labels.
            #expect(
                labels.map(\.text) == ["analysts", "group", "one", "uno", "ein", "two", "hidden two", "three", "dev"])
            #expect(Set(labels.map(\.id)).count == labels.count)
            let ids = try model.objectIDs("Label")
            #expect(ids.count == labels.count && labels.allSatisfy { ids.contains(UUID(uuidString: $0.id)!) })
            #expect(
                try model.objectIDs("Skill")
                    == Set(["1", "2", "3"].map { UUID(uuidString: ObjectID.uuid5("http://x/skill/" + $0))! }))
        }
    }

    @Test func batchesStopAtTheirBudgetAndAHeavierDocumentGoesAlone() throws {
        try DatasetFixture.withMinimal(replacing: ["skills_en.csv": Self.skills]) { path in
            let model = try DatasetModel(dataset: try ESCODataset.open(path), fingerprint: "f")
            let weight = ["http://x/skill/1": 3, "http://x/skill/2": 9, "http://x/skill/3": 1]
            let stream = try model.documents("Skill")
            var batches: [[String]] = []
            while case let batch = try stream.next(max: 10, budget: 5, weight: { weight[$0.uri] ?? 0 }), !batch.isEmpty
            {
                batches.append(batch.map(\.uri))
            }
            // 3 fits; 3 + 9 does not, so skill 2 waits and then goes alone (9 > 5); then skill 3.
            #expect(batches == [["http://x/skill/1"], ["http://x/skill/2"], ["http://x/skill/3"]])
            let counted = try model.documents("Skill")
            #expect(try counted.next(max: 2).map(\.uri) == ["http://x/skill/1", "http://x/skill/2"])
            #expect(try counted.next(max: 2).map(\.uri) == ["http://x/skill/3"])
            #expect(try counted.next(max: 2).isEmpty)
        }
    }

    @Test func aFileReplacedAfterTheRunStartedFailsWhenItIsReadAgain() throws {
        try DatasetFixture.withMinimal(replacing: ["skills_en.csv": Self.skills]) { path in
            let dataset = try ESCODataset.open(path)
            let model = try DatasetModel(dataset: dataset, fingerprint: "f", files: try dataset.fingerprint().files)
            #expect(try model.loadDocuments("Skill").count == 3)
            // One byte differs: "three" becomes "thref".
            var changed = Self.skills
            changed[try #require(changed.lastIndex(of: UInt8(ascii: "e")).map { $0 - 3 })] = UInt8(ascii: "f")
            #expect(changed != Self.skills)
            try Data(changed).write(to: URL(fileURLWithPath: path + "/skills_en.csv"))
            let e = try #require(throws: DatasetError.self) { try model.loadDocuments("Skill") }
            #expect(e.code == .changed && e.file.hasSuffix("skills_en.csv"))
            #expect(e.description.contains("changed while it was being ingested"))
            // A model that starts from the new fingerprint reads it.
            let hashes = try dataset.fingerprint().files
            let again = try DatasetModel(dataset: dataset, fingerprint: "g", files: hashes)
            #expect(try again.loadDocuments("Skill").count == 3)
            // A relation file replaced between the fingerprint and the model's own read fails that read.
            let relations = path + "/skillSkillRelations.csv"
            try (try Data(contentsOf: URL(fileURLWithPath: relations)) + Data("\r\n".utf8))
                .write(to: URL(fileURLWithPath: relations))
            let r = try #require(throws: DatasetError.self) {
                try DatasetModel(dataset: dataset, fingerprint: "g", files: hashes)
            }
            #expect(r.code == .changed && r.file.hasSuffix("skillSkillRelations.csv"))
        }
    }

    @Test func objectIDsCompareAsUUIDsInEitherCaseAndRejectOtherText() {
        let id = ObjectID.uuid5("http://x/skill/1")
        #expect(UUID(uuidString: id) == UUID(uuidString: id.uppercased()))
        #expect(UUID(uuidString: id) != UUID(uuidString: ObjectID.uuid5("http://x/skill/2")))
        #expect(UUID(uuidString: "not-a-uuid") == nil)
        #expect(UUID(uuidString: id + "0") == nil)
        #expect(UUID(uuidString: String(id.dropLast())) == nil)
    }
}

/// The same check inside a run: a concept file replaced while the run is under way fails the step that reads it
/// again, names the file, and that step is not recorded as done.
@Suite struct DatasetReplacedDuringIngestionTests {
    /// Rewrites one file the first time it is asked for vectors (during the first object step).
    actor ReplacingVectorizer: TextVectorizing {
        let inner = CountingVectorizer()
        var replace: (() throws -> Void)?
        init(replace: @escaping @Sendable () throws -> Void) { self.replace = replace }
        func identity() async throws -> VectorizerIdentity { try await inner.identity() }
        func vectorize(_ batch: [String]) async throws -> [[Float]] {
            if let r = replace {
                replace = nil
                try r()
            }
            return try await inner.vectorize(batch)
        }
    }

    @Test func theStepFailsNamingTheFileAndIsNotCheckpointed() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("esco-replaced-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, bytes) in DatasetFixture.minimal { try Data(bytes).write(to: dir.appendingPathComponent(name)) }
        let skillsFile = dir.appendingPathComponent("skills_en.csv")
        let vectorizer = ReplacingVectorizer {
            var bytes = try Data(contentsOf: skillsFile)
            bytes.append(
                contentsOf: Array("KnowledgeSkillCompetence,http://x/skill/3,knowledge,,k3,,,released,,,,,\r\n".utf8))
            try bytes.write(to: skillsFile)
        }
        let m = InMemoryMetadata()
        let runner = IngestionRunner(
            dataset: try ESCODataset.open(dir.path), store: StateStore(backend: m), weaviate: InMemoryWeaviate(),
            vectorizer: vectorizer, settings: PipelineTests.settings, progress: SilentProgress(),
            logger: Logger(label: "test"))
        let e = try await #require(throws: IngestionError.self) { _ = try await runner.run(force: false) }
        #expect(e.code == .dataset)
        #expect(
            e.description.contains("skills_en.csv") && e.description.contains("changed while it was being ingested"))
        #expect(e.step?.hasSuffix("skills") == true)
        let state = try #require(try await StateStore(backend: m).read())
        #expect(state.status == .failed)
        #expect(state.completedSteps.contains("isco-groups") && !state.completedSteps.contains("skills"))
    }
}
