import ESCOCore
import ESCOIngestion
import ESCOSearch
import Foundation
import SearchTestSupport
import Testing

/// Search, show and enrich over the stand-ins with the sample ingested through the real pipeline.
@Suite(.serialized) struct SearchIntegrationTests {
    /// The exact-label guarantee is the engine's, not the ranker's: it holds for the default and for the ranker
    /// that weighs labels alone (where another concept's identical alternative label competes hardest).
    static let rankers: [String: any Ranker] = ["default": SearchEngine.defaultRanker, "label-only": LabelOnlyRanker()]

    @Test(arguments: ["default", "label-only"])
    func everySkillAndOccupationIsFoundFirstByItsPreferredLabel(ranker: String) async throws {
        let services = try await SampleFixture.shared.ingested()
        let engine = SearchEngine(backend: services.backend, ranker: try #require(Self.rankers[ranker]))
        let model = try await SampleFixture.shared.datasetModel()
        let cases =
            model.skills.map { ($0, ConceptType.skill) } + model.occupations.map { ($0, ConceptType.occupation) }
        #expect(cases.count == 360)
        // Four searches in flight: the stand-ins answer on their own threads.
        let misses = try await withThrowingTaskGroup(of: String?.self) { group in
            var next = 0
            var misses: [String] = []
            func add() {
                let (doc, type) = cases[next]
                next += 1
                group.addTask {
                    let label = doc.properties["preferredLabel"]?.stringValue ?? ""
                    let results = try await engine.search(try SearchQuery(text: label, type: type, limit: 5))
                    return results.first?.uri == doc.uri
                        ? nil : "\(type.rawValue) \"\(label)\" → \(results.first?.label ?? "nothing")"
                }
            }
            while next < min(4, cases.count) { add() }
            while let miss = try await group.next() {
                if let miss { misses.append(miss) }
                if next < cases.count { add() }
            }
            return misses
        }
        #expect(misses.isEmpty, "\(misses.count) misses: \(misses.prefix(10))")
    }

    @Test func resultsCarryTheDocumentedFields() async throws {
        let engine = try await SampleFixture.shared.ingested().engine
        let model = try await SampleFixture.shared.datasetModel()
        let occupation = try #require(model.occupations.first)
        let label = try #require(occupation.properties["preferredLabel"]?.stringValue)
        let results = try await engine.search(try SearchQuery(text: label, type: .all, limit: 7))
        #expect(results.count == 7)
        let top = try #require(results.first)
        #expect(top.uri == occupation.uri && top.id == ObjectID.uuid5(occupation.uri) && top.type == .occupation)
        #expect(top.label == label && top.matchedLabel == label)
        #expect((0...1).contains(top.score) && top.score > results.last!.score)
        #expect(top.description.count <= 201)
        #expect(results.map(\.score) == results.map(\.score).sorted(by: >))
        let high = try await engine.search(try SearchQuery(text: label, type: .all, limit: 100, minCertainty: 0.9))
        #expect(!high.isEmpty && high.allSatisfy { $0.score >= 0.9 })
    }

    @Test func showMatchesTheDatasetRelations() async throws {
        let engine = try await SampleFixture.shared.ingested().engine
        let model = try await SampleFixture.shared.datasetModel()
        let cases: [(ConceptDocument, ConceptType)] =
            model.occupations.map { ($0, .occupation) } + model.skills.prefix(120).map { ($0, .skill) }
        for (doc, type) in cases {
            let detail = try await engine.concept(.uri(doc.uri))
            #expect(detail.type == type && detail.uri == doc.uri)
            for relation in ConceptSchema.relations(of: type) {
                let expected = Set(model.relations.targets(doc.className, doc.uri, relation.name).map(\.uri))
                let shown = Set(detail.related(relation.name).map(\.uri))
                #expect(shown == expected, "\(doc.uri) \(relation.name)")
            }
        }
        // By object id, the same concept.
        let skill = try #require(model.skills.first)
        #expect(try await engine.concept(.id(ObjectID.uuid5(skill.uri))).uri == skill.uri)
        let missing = "http://data.europa.eu/esco/skill/00000000-0000-0000-0000-000000000000"
        await #expect(
            throws: SearchError.notFound(
                "no concept \(missing) (searched skills, occupations, ISCO groups and skill groups)")
        ) {
            try await engine.concept(.uri(missing))
        }
    }

    @Test func enrichFindsOccupationSkillsAndGaps() async throws {
        let engine = try await SampleFixture.shared.ingested().engine
        let model = try await SampleFixture.shared.datasetModel()
        // An occupation with several essential skills; the description names two of them.
        let occupation = try #require(
            model.occupations.first {
                model.relations.targets("Occupation", $0.uri, "essentialSkills").count >= 4
            })
        let title = try #require(occupation.properties["preferredLabel"]?.stringValue)
        let essentials = model.relations.targets("Occupation", occupation.uri, "essentialSkills").map(\.uri)
        let labelOf = Dictionary(
            model.skills.map { ($0.uri, $0.properties["preferredLabel"]?.stringValue ?? "") },
            uniquingKeysWith: { a, _ in a })
        let named = essentials.prefix(2).compactMap { labelOf[$0] }
        let description = "We are hiring.\n" + named.map { "- \($0)" }.joined(separator: "\n")
        let result = try await engine.enrich(try EnrichmentRequest(title: title, description: description))
        #expect(result.occupations.first?.uri == occupation.uri)
        let matched = Set(result.matchedSkills.map(\.skill.uri))
        for uri in essentials.prefix(2) { #expect(matched.contains(uri), "\(labelOf[uri] ?? uri) not matched") }
        let missing = Set(result.missingEssentialSkills.map(\.uri))
        #expect(missing == Set(essentials).subtracting(matched))
        #expect(result.basedOn.first?.uri == occupation.uri)
    }
}
