import ESCOClients
import ESCOCore
import Foundation
import Testing
import TestSupport

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
        #expect(names.isSuperset(of: ["Occupation", "Skill", "ISCOGroup", "SkillGroup", "SkillCollection", "Metadata"]))
        let occupation = try #require(classes.first { $0.name == "Occupation" })
        #expect(occupation.json["vectorizer"] == "none")
        #expect(occupation.json["replicationConfig"]?["factor"] == 1)
        let skills = try #require(occupation.properties.first { $0.name == "essentialSkills" })
        #expect(skills.isReference && skills.dataType == ["Skill"])
        #expect(occupation.withoutReferences["properties"]?.arrayValue?.contains { $0["name"] == "essentialSkills" } == false)
    }

    @Test func createsClassesBeforeReferencesAndAddsMissingProperties() async throws {
        let existing = #"{"classes":[{"class":"Skill","properties":[{"name":"conceptUri","dataType":["text"]}]}]}"#
        try await withCannedServer({ req in
            req.method == "GET" ? .respond(status: 200, body: existing) : .respond(status: 200, body: "{}")
        }) { server in
            let skill = try ClassDefinition(json: [
                "class": "Skill",
                "properties": [["name": "conceptUri", "dataType": ["text"]], ["name": "code", "dataType": ["text"]],
                               ["name": "occupations", "dataType": ["Occupation"]]],
            ])
            let occupation = try ClassDefinition(json: [
                "class": "Occupation",
                "properties": [["name": "conceptUri", "dataType": ["text"]], ["name": "skills", "dataType": ["Skill"]]],
            ])
            let report = try await makeWeaviate(server.url).ensureSchema([skill, occupation])
            #expect(report.createdClasses == ["Occupation"])
            #expect(Set(report.addedProperties) == ["Occupation.skills", "Skill.code", "Skill.occupations"])
            let writes = server.requests.filter { $0.method == "POST" }
            #expect(writes.first?.path == "/v1/schema")
            let created = writes.first?.bodyJSON as? [String: Any]
            #expect((created?["properties"] as? [[String: Any]])?.map { $0["name"] as? String } == ["conceptUri"])
            #expect(writes.dropFirst().allSatisfy { $0.path.hasSuffix("/properties") })
            #expect(writes.count == 4)
        }
    }

    @Test func refusesAnIncompatibleProperty() async throws {
        let existing = #"{"classes":[{"class":"Skill","properties":[{"name":"code","dataType":["int"]}]}]}"#
        try await withCannedServer({ _ in .respond(status: 200, body: existing) }) { server in
            let skill = try ClassDefinition(json: ["class": "Skill", "properties": [["name": "code", "dataType": ["text"]]]])
            let e = await weaviateError { try await makeWeaviate(server.url).ensureSchema([skill]) }
            #expect(e?.code == .schema)
            #expect(e?.description.contains("class Skill property code: expected dataType [\"text\"], found [\"int\"]") == true)
            #expect(server.requests.allSatisfy { $0.method == "GET" })
        }
    }
}
