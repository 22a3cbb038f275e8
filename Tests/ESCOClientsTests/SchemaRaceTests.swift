import ESCOClients
import ESCOCore
import Foundation
import TestSupport
import Testing

/// `ensureSchema` when another runner (another host) writes the same schema at the same moment, and the pure pieces it
/// decides with (docs/weaviate-compat.md, section Schema).
@Suite("Weaviate schema races")
struct SchemaRaceTests {
    static let skillJSON: JSONValue = [
        "class": "Skill", "vectorizer": "none", "vectorIndexConfig": ["distance": "cosine"],
        "invertedIndexConfig": ["indexTimestamps": false],
        "properties": [
            ["name": "code", "dataType": ["text"], "tokenization": "field"],
            ["name": "broaderSkills", "dataType": ["Skill"]],
        ],
    ]
    /// What Weaviate 1.32.2 stores for `skillJSON`: our settings plus its defaults.
    static let storedSkill: JSONValue = [
        "class": "Skill", "vectorizer": "none", "vectorIndexType": "hnsw",
        "vectorIndexConfig": ["distance": "cosine", "ef": -1, "maxConnections": 32],
        "replicationConfig": ["factor": 1, "asyncEnabled": false],
        // Go's omitempty: `indexTimestamps: false` is left out of Weaviate's answer.
        "invertedIndexConfig": ["bm25": ["b": 0.75, "k1": 1.2], "cleanupIntervalSeconds": 60],
        "properties": [
            [
                "name": "code", "dataType": ["text"], "tokenization": "field", "indexFilterable": true,
                "indexSearchable": true, "indexRangeFilters": false,
            ],
            ["name": "broaderSkills", "dataType": ["Skill"], "indexFilterable": true, "indexSearchable": false],
        ],
    ]

    @Test func rejectionsAreClassifiedByWeaviatesOwnMessages() {
        #expect(SchemaRejection(message: "class name Skill already exists") == .classExists)
        #expect(SchemaRejection(message: "updating schema: TYPE_ADD_CLASS: class already exists") == .classExists)
        #expect(
            SchemaRejection(message: #"class already exists: found similar class "SKILL""#)
                == .similarClass("SKILL"))
        #expect(SchemaRejection(message: "alias name Skill already exists") == .alias("Skill"))
        #expect(SchemaRejection(message: #"class already exists: found similar alias "skill""#) == .alias("skill"))
        #expect(
            SchemaRejection(
                message: #"class "Skill": conflict for property "code": already in use or provided multiple times"#)
                == .propertyExists)
        #expect(
            SchemaRejection(
                message: "invalid replication factor: setup requires a minimum replication factor "
                    + "of 3: got 1") == .other)
    }

    @Test func aMatchingSchemaWithWeaviatesDefaultsIsComplete() throws {
        let skill = try ClassDefinition(json: Self.skillJSON)
        let plan = SchemaPlan(ours: [skill], schema: ["classes": [Self.storedSkill]])
        #expect(plan.isComplete, "\(plan.conflicts)")
        #expect(SchemaPlan(ours: [skill], schema: ["classes": []]).classesToCreate == [skill])
    }

    @Test func differencesNameTheClassThePropertyAndBothDefinitions() throws {
        let skill = try ClassDefinition(json: Self.skillJSON, source: "resources/schemas/Skill.yaml")
        guard case .object(var stored) = Self.storedSkill else { return }
        stored["vectorIndexConfig"] = ["distance": "dot"]
        stored["properties"] = [
            ["name": "code", "dataType": ["text"], "tokenization": "word"],
            ["name": "BroaderSkills", "dataType": ["Skill"]],
        ]
        let plan = SchemaPlan(ours: [skill], schema: ["classes": [.object(stored)]])
        #expect(plan.conflicts.count == 3, "\(plan.conflicts)")
        #expect(
            plan.conflicts.contains(
                #"class Skill (resources/schemas/Skill.yaml): vectorIndexConfig.distance: ours "cosine", "#
                    + #"Weaviate's "dot""#))
        let code = try #require(plan.conflicts.first { $0.hasPrefix("class Skill property code") })
        #expect(code.contains(#"tokenization: ours "field", Weaviate's "word""#), "\(code)")
        #expect(code.contains(#"ours {"dataType":["text"],"name":"code","tokenization":"field"}"#), "\(code)")
        #expect(code.contains(#"Weaviate's {"dataType":["text"],"name":"code","tokenization":"word"}"#), "\(code)")
        #expect(plan.conflicts.contains { $0.contains(#"property broaderSkills"#) && $0.contains("differs in case") })
    }

    @Test func aClassWhoseNameDiffersOnlyInCaseIsAConflictNotAMatch() throws {
        let skill = try ClassDefinition(json: Self.skillJSON)
        let plan = SchemaPlan(ours: [skill], schema: ["classes": [["class": "SKILL", "properties": []]]])
        #expect(plan.classesToCreate.isEmpty)
        #expect(
            plan.conflicts == [
                #"class Skill: Weaviate holds a class named "SKILL", which differs only in case, and Weaviate refuses "#
                    + "two such names"
            ])
    }

    // MARK: Over HTTP, with the other runner's writes scripted

    /// A class another runner created between our read and our create: "already exists", then compared.
    @Test func aClassCreatedConcurrentlyWithOurDefinitionIsSuccess() async throws {
        let script = SchemaScript(reads: [["classes": []], ["classes": [Self.storedSkill]]])
        try await withCannedServer({ script.reply($0) }) { server in
            script.createReply = (422, "class name Skill already exists")
            let report = try await makeWeaviate(server.url).ensureSchema([try ClassDefinition(json: Self.skillJSON)])
            #expect(report.createdClasses.isEmpty && report.addedProperties.isEmpty)
            #expect(
                server.requests.map { "\($0.method) \($0.path)" }
                    == ["GET /v1/schema", "POST /v1/schema", "GET /v1/schema"])
        }
    }

    @Test func aClassCreatedConcurrentlyWithAnotherDefinitionIsAnErrorNamingBoth() async throws {
        guard case .object(var other) = Self.storedSkill else { return }
        other["properties"] = [
            ["name": "code", "dataType": ["int"]], ["name": "broaderSkills", "dataType": ["Skill"]],
        ]
        let script = SchemaScript(reads: [["classes": []], ["classes": [.object(other)]]])
        try await withCannedServer({ script.reply($0) }) { server in
            script.createReply = (422, "updating schema: TYPE_ADD_CLASS: class already exists")
            let e = await weaviateError {
                try await makeWeaviate(server.url).ensureSchema([try ClassDefinition(json: Self.skillJSON)])
            }
            #expect(e?.code == .schema)
            let text = e?.description ?? ""
            #expect(text.contains("class Skill property code: dataType differs"), "\(text)")
            #expect(text.contains(#"ours {"dataType":["text"],"#) && text.contains(#"Weaviate's {"dataType":["int"],"#))
            #expect(text.contains("Another runner (or a person) created it differently"), "\(text)")
        }
    }

    @Test func foundSimilarClassIsAnErrorNotAlreadyExists() async throws {
        let script = SchemaScript(reads: [["classes": []]])
        try await withCannedServer({ script.reply($0) }) { server in
            script.createReply = (422, #"class already exists: found similar class "SKILL""#)
            let e = await weaviateError {
                try await makeWeaviate(server.url).ensureSchema([try ClassDefinition(json: Self.skillJSON)])
            }
            #expect(e?.code == .schema)
            #expect(
                e?.description.contains(#"Weaviate holds a class named "SKILL", which differs only in case"#)
                    == true,
                "\(String(describing: e))")
            // Nothing else was attempted after the refusal.
            #expect(server.requests.filter { $0.method == "POST" }.count == 1)
        }
    }

    /// A property another runner added between our read and our add: 422 "conflict for property", then compared.
    @Test func aPropertyAddedConcurrentlyIsSuccessWhenItMatches() async throws {
        guard case .object(var withoutRef) = Self.storedSkill else { return }
        withoutRef["properties"] = .array(Array(Self.storedSkill["properties"]!.arrayValue!.prefix(1)))
        let script = SchemaScript(reads: [["classes": [.object(withoutRef)]], ["classes": [Self.storedSkill]]])
        try await withCannedServer({ script.reply($0) }) { server in
            script.propertyReply = (
                422,
                #"class "Skill": conflict for property "broaderSkills": already in use or "#
                    + "provided multiple times"
            )
            let report = try await makeWeaviate(server.url).ensureSchema([try ClassDefinition(json: Self.skillJSON)])
            #expect(report.addedProperties.isEmpty)
            #expect(
                server.requests.map { "\($0.method) \($0.path)" }
                    == ["GET /v1/schema", "POST /v1/schema/Skill/properties", "GET /v1/schema"])
        }
    }
}

/// Scripted Weaviate schema endpoints: successive `GET /v1/schema` answers (the last repeats), and one status and
/// message for class creates and property adds.
final class SchemaScript: @unchecked Sendable {
    // @unchecked: every access holds `lock`.
    private let lock = NSLock()
    private var reads: [JSONValue]
    private var _create: (Int, String) = (200, "")
    private var _property: (Int, String) = (200, "")

    init(reads: [JSONValue]) { self.reads = reads }

    var createReply: (Int, String) {
        get { lock.withLock { _create } }
        set { lock.withLock { _create = newValue } }
    }
    var propertyReply: (Int, String) {
        get { lock.withLock { _property } }
        set { lock.withLock { _property = newValue } }
    }

    func reply(_ req: CannedHTTPServer.Request) -> CannedHTTPServer.Reply {
        lock.withLock {
            if req.method == "GET" {
                let body = reads.count > 1 ? reads.removeFirst() : reads[0]
                return .respond(status: 200, body: JSONCodec.encodeString(body))
            }
            let (status, message) = req.path.hasSuffix("/properties") ? _property : _create
            let body: JSONValue = status == 200 ? .object([:]) : ["error": [["message": .string(message)]]]
            return .respond(status: status, body: JSONCodec.encodeString(body))
        }
    }
}
