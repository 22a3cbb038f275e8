import ESCOClients
import ESCOCore
import Foundation
import TestSupport
import Testing

@Suite("Weaviate schema")
struct SchemaTests {
    static let schemaDirectory: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("resources/schemas").path
    }()

    @Test func loadsTheShippedClasses() throws {
        let classes = try ClassDefinition.load(directory: Self.schemaDirectory)
        let names = Set(classes.map(\.name))
        #expect(
            names.isSuperset(of: ["Occupation", "Skill", "ISCOGroup", "SkillGroup", "SkillCollection", "Metadata"]))
        let occupation = try #require(classes.first { $0.name == "Occupation" })
        #expect(occupation.json["vectorizer"] == "none")
        // No factor unless the profile sets one: a server with REPLICATION_MINIMUM_FACTOR above it would refuse it.
        #expect(classes.allSatisfy { $0.json["replicationConfig"] == nil })
        #expect(occupation.withReplicationFactor(3).json["replicationConfig"]?["factor"] == 3)
        #expect(occupation.withReplicationFactor(nil) == occupation)
        let skills = try #require(occupation.properties.first { $0.name == "essentialSkills" })
        #expect(skills.isReference && skills.dataType == ["Skill"])
        #expect(
            occupation.withoutReferences["properties"]?.arrayValue?.contains { $0["name"] == "essentialSkills" }
                == false)
    }

    @Test func createsClassesBeforeReferencesAndAddsMissingProperties() async throws {
        // The stand-in refuses a reference to a class that does not exist yet, so success proves the order.
        try await withWeaviateStandIn { url in
            let client = makeWeaviate(url)
            let older = try ClassDefinition(json: [
                "class": "Skill", "properties": [["name": "conceptUri", "dataType": ["text"]]],
            ])
            try await client.ensureSchema([older])
            let skill = try ClassDefinition(json: [
                "class": "Skill",
                "properties": [
                    ["name": "conceptUri", "dataType": ["text"]], ["name": "code", "dataType": ["text"]],
                    ["name": "occupations", "dataType": ["Occupation"]],
                ],
            ])
            let occupation = try ClassDefinition(json: [
                "class": "Occupation",
                "properties": [
                    ["name": "conceptUri", "dataType": ["text"]], ["name": "skills", "dataType": ["Skill"]],
                ],
            ])
            let report = try await client.ensureSchema([skill, occupation])
            #expect(report.createdClasses == ["Occupation"])
            #expect(Set(report.addedProperties) == ["Occupation.skills", "Skill.code", "Skill.occupations"])
            #expect(SchemaPlan(ours: [skill, occupation], schema: try await client.getSchema()).isComplete)
        }
    }

    @Test func refusesAnIncompatibleProperty() async throws {
        let existing = #"{"classes":[{"class":"Skill","properties":[{"name":"code","dataType":["int"]}]}]}"#
        try await withCannedServer({ _ in .respond(status: 200, body: existing) }) { server in
            let skill = try ClassDefinition(json: [
                "class": "Skill", "properties": [["name": "code", "dataType": ["text"]]],
            ])
            let e = await weaviateError { try await makeWeaviate(server.url).ensureSchema([skill]) }
            #expect(e?.code == .schema)
            #expect(
                e?.description.contains("class Skill property code: dataType differs: ours ") == true,
                "\(String(describing: e))")
            #expect(e?.description.contains(#"{"dataType":["int"],"name":"code"}"#) == true)
            #expect(e?.description.contains("Nothing was changed") == true)
            #expect(server.requests.allSatisfy { $0.method == "GET" })
        }
    }
}
