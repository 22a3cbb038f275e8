import ESCOClients
import ESCOCore
import ESCOStandIns
import Foundation
import TestSupport
import Testing

/// Weaviate 1.32.2's schema answers the product relies on, and `ensureSchema` racing itself (docs/weaviate-compat.md,
/// section Schema). Messages are Weaviate's own, read in its source.
extension ContractTests {
    /// `POST` of raw JSON; returns the status and Weaviate's message (`error[0].message`, or go-swagger's `message`).
    func schemaWrite(_ target: ContractWeaviate, _ path: String, _ body: JSONValue) async throws -> (Int, String) {
        let r = try await contractRaw("POST", target.url + path, apiKey: target.apiKey, body: body)
        let message = r.json?["error"]?.arrayValue?.first?["message"]?.stringValue ?? r.json?["message"]?.stringValue
        return (r.status, message ?? "")
    }

    func minimalClass(
        _ name: String, _ properties: [JSONValue] = [["name": "code", "dataType": ["text"]]]
    ) -> JSONValue {
        ["class": .string(name), "vectorizer": "none", "properties": .array(properties)]
    }

    @Test func creatingAnExistingClassOrOneDifferingOnlyInCaseIsRefused() async throws {
        try await withContractWeaviate { client, target in
            let name = target.name("Skill")
            #expect(try await schemaWrite(target, "/v1/schema", minimalClass(name)).0 == 200)
            let again = try await schemaWrite(target, "/v1/schema", minimalClass(name))
            #expect(again.0 == 422 && again.1 == "class name \(name) already exists", "\(again)")
            let upper = name.uppercased()
            let similar = try await schemaWrite(target, "/v1/schema", minimalClass(upper))
            #expect(similar.0 == 422, "\(similar)")
            #expect(similar.1 == "class already exists: found similar class \"\(name)\"")

            // ensureSchema never takes a similar class for ours.
            let ours = try ClassDefinition(json: minimalClass(upper))
            let e = try #require(await contractError { try await client.ensureSchema([ours]) })
            #expect(e.code == .schema)
            #expect(e.description.contains("class \(upper): Weaviate holds a class named \"\(name)\""), "\(e)")
        }
    }

    @Test func addingAnExistingPropertyIsRefusedAndEnsureSchemaTakesItAsDone() async throws {
        try await withContractWeaviate { client, target in
            let name = target.name("Skill")
            let property: JSONValue = ["name": "status", "dataType": ["text"], "tokenization": "field"]
            #expect(try await schemaWrite(target, "/v1/schema", minimalClass(name)).0 == 200)
            #expect(try await schemaWrite(target, "/v1/schema/\(name)/properties", property).0 == 200)
            for body: JSONValue in [property, ["name": "Status", "dataType": ["int"]]] {
                let again = try await schemaWrite(target, "/v1/schema/\(name)/properties", body)
                #expect(again.0 == 422, "\(again)")
                #expect(
                    again.1 == "class \"\(name)\": conflict for property \"status\": already in use or provided "
                        + "multiple times", "\(again)")
            }
            let ours = try ClassDefinition(
                json: minimalClass(name, [["name": "code", "dataType": ["text"]], property]))
            #expect(try await client.ensureSchema([ours]).changed == false)
            // A class that does not exist.
            let missing = try await schemaWrite(target, "/v1/schema/\(target.name("Nowhere"))/properties", property)
            #expect(missing.0 == 422 && missing.1 == "class is nil: not found", "\(missing)")
        }
    }

    @Test func tokenizationIsValidatedPerDataType() async throws {
        try await withContractWeaviate { _, target in
            let name = target.name("Skill")
            #expect(try await schemaWrite(target, "/v1/schema", minimalClass(name)).0 == 200)
            let cases: [(JSONValue, Int, String)] = [
                (["name": "a", "dataType": ["text"], "tokenization": "trigram"], 200, ""),
                (["name": "b", "dataType": ["text[]"], "tokenization": "lowercase"], 200, ""),
                (
                    ["name": "c", "dataType": ["int"], "tokenization": "field"], 422,
                    "tokenization is not allowed for data type 'int'"
                ),
                (
                    ["name": "d", "dataType": ["string"], "tokenization": "whitespace"], 422,
                    "tokenization 'whitespace' is not allowed for data type 'string'"
                ),
                (
                    ["name": "e", "dataType": [.string(name)], "tokenization": "word"], 422,
                    "tokenization is not allowed for reference data type"
                ),
                (
                    ["name": "f", "dataType": ["text"], "tokenization": "nonsense"], 422,
                    "tokenization in body should be one of [word lowercase whitespace field trigram gse kagome_kr "
                        + "kagome_ja gse_ch]"
                ),
                (
                    ["name": "g", "dataType": ["date"], "indexSearchable": true], 422,
                    "`indexSearchable` is allowed only for text/text[] data types. For other data types set false or "
                        + "leave empty"
                ),
            ]
            for (body, status, message) in cases {
                let r = try await schemaWrite(target, "/v1/schema/\(name)/properties", body)
                #expect(r.0 == status && (status == 200 || r.1 == message), "\(body): \(r)")
            }
            // A text property without tokenization gets `word`, and index flags get their defaults.
            let plain: JSONValue = ["name": "h", "dataType": ["text"]]
            #expect(try await schemaWrite(target, "/v1/schema/\(name)/properties", plain).0 == 200)
            let stored = try await contractRaw("GET", target.url + "/v1/schema/\(name)", apiKey: target.apiKey)
            let h = stored.json?["properties"]?.arrayValue?.first { $0["name"] == "h" }
            #expect(h?["tokenization"] == "word" && h?["indexFilterable"] == true && h?["indexSearchable"] == true)
        }
    }

    @Test func reservedAndInvalidPropertyNamesAreRefused() async throws {
        try await withContractWeaviate { _, target in
            let name = target.name("Skill")
            #expect(try await schemaWrite(target, "/v1/schema", minimalClass(name)).0 == 200)
            let graphQLRule =
                "Property names in Weaviate are restricted to valid GraphQL names, which must be "
                + "“/[_A-Za-z][_0-9A-Za-z]{0,230}/”"
            let cases: [(String, String)] = [
                ("id", "'id' is a reserved property name"), ("_id", "'_id' is a reserved property name"),
                ("_additional", "'_additional' is a reserved property name"),
                // Weaviate lower-cases the first letter before checking.
                ("Id", "'id' is a reserved property name"),
                ("2nd", "'2nd' is not a valid property name. " + graphQLRule),
                ("naïve", "'naïve' is not a valid property name. " + graphQLRule),
                ("a-b", "'a-b' is not a valid property name. " + graphQLRule),
            ]
            for (property, message) in cases {
                let r = try await schemaWrite(
                    target, "/v1/schema/\(name)/properties",
                    ["name": .string(property), "dataType": ["text"]])
                #expect(r.0 == 422 && r.1 == message, "\(property): \(r)")
            }
            #expect(
                try await schemaWrite(
                    target, "/v1/schema/\(name)/properties",
                    ["name": "_private", "dataType": ["text"]]
                ).0 == 200)
            // In a class definition too.
            let r = try await schemaWrite(
                target, "/v1/schema",
                minimalClass(
                    target.name("Other"),
                    [
                        [
                            "name": "id",
                            "dataType": ["text"],
                        ]
                    ]))
            #expect(r.0 == 422 && r.1 == "'id' is a reserved property name", "\(r)")
        }
    }

    /// Several runners (hosts) creating the whole product schema at once: every one succeeds, the schema is complete.
    @Test func concurrentEnsureSchemaOnAnEmptyWeaviateAllSucceed() async throws {
        try await withContractWeaviate { _, target in
            target.standIn?.setFaults(Faults(createWindowMs: 40))
            let classes = try target.productClasses()
            let results = await withTaskGroup(of: String?.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        do { _ = try await target.client().ensureSchema(classes) } catch { return "\(error)" }
                        return nil
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.compactMap { $0 }.isEmpty, "\(results)")
            let plan = SchemaPlan(ours: classes, schema: try await target.client().getSchema())
            #expect(plan.isComplete, "\(plan.conflicts) \(plan.classesToCreate.map(\.name)) \(plan.propertiesToAdd)")
        }
    }

    /// Runners racing with different definitions: whoever loses is told, with both definitions; nobody succeeds with a
    /// schema other than its own (Weaviate keeps the first of two concurrent adds of a property, answering 200 to both).
    @Test func concurrentEnsureSchemaWithDifferentDefinitionsNeverSucceedsWithTheWrongOne() async throws {
        try await withContractWeaviate { client, target in
            target.standIn?.setFaults(Faults(createWindowMs: 40))
            let name = target.name("Skill")
            let a = try ClassDefinition(
                json: minimalClass(
                    name,
                    [
                        ["name": "code", "dataType": ["text"]],
                        ["name": "rank", "dataType": ["int"]],
                    ]))
            let b = try ClassDefinition(
                json: minimalClass(
                    name,
                    [
                        ["name": "code", "dataType": ["text"]],
                        ["name": "rank", "dataType": ["number"]],
                    ]))
            let results = await withTaskGroup(of: (ClassDefinition, WeaviateError?).self) { group in
                for definition in [a, b, a, b] {
                    group.addTask {
                        (definition, await contractError { try await target.client().ensureSchema([definition]) })
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let schema = try await client.getSchema()
            for (definition, error) in results {
                if let error {
                    #expect(error.code == .schema && error.description.contains("property rank"), "\(error)")
                    #expect(error.description.contains(#""int""#) && error.description.contains(#""number""#))
                } else {
                    #expect(SchemaPlan(ours: [definition], schema: schema).isComplete)
                }
            }
            #expect(results.contains { $0.1 != nil }, "two definitions, but nobody was told of the other")
        }
    }

    @Test(.enabled(if: ContractEnvironment.weaviateIsStandIn, "needs the stand-in's window for concurrent creates"))
    func concurrentCreatesOfOneClassOneWinsTheOtherIsToldItExists() async throws {
        try await withContractWeaviate { _, target in
            target.standIn?.setFaults(Faults(createWindowMs: 300))
            let name = target.name("Skill")
            let body = minimalClass(name)
            async let first = schemaWrite(target, "/v1/schema", body)
            async let second = schemaWrite(target, "/v1/schema", body)
            let answers = try await [first, second]
            #expect(answers.map(\.0).sorted() == [200, 422], "\(answers)")
            // Both passed the check before the Raft apply; the apply refused the later one.
            #expect(answers.contains { $0.1 == "updating schema: TYPE_ADD_CLASS: class already exists" }, "\(answers)")
        }
    }

    @Test(.enabled(if: ContractEnvironment.weaviateIsStandIn, "needs a stand-in with REPLICATION_MINIMUM_FACTOR 2"))
    func replicationFactorFollowsTheServersMinimumUnlessTheProfileSetsOne() async throws {
        var options = WeaviateStandIn.Options()
        options.replicationMinimumFactor = 2
        options.clusterNodes = 3
        try await withContractWeaviate(options) { client, target in
            let low = try await schemaWrite(
                target, "/v1/schema",
                [
                    "class": .string(target.name("Low")),
                    "replicationConfig": ["factor": 1],
                ])
            #expect(low.0 == 422)
            #expect(low.1 == "invalid replication factor: setup requires a minimum replication factor of 2: got 1")
            let high = try await schemaWrite(
                target, "/v1/schema",
                [
                    "class": .string(target.name("High")),
                    "replicationConfig": ["factor": 4],
                ])
            #expect(
                high.1 == "init sharding state: could not find enough weaviate nodes for replication: 3 available, "
                    + "4 requested", "\(high)")

            // The shipped classes send no factor: the server's minimum applies.
            let classes = try target.productClasses()
            try await client.ensureSchema(classes)
            let stored = try await contractRaw("GET", target.url + "/v1/schema/\(target.name("Skill"))")
            #expect(stored.json?["replicationConfig"]?["factor"] == 2)

            // A profile factor below the minimum is refused, and the message names the setting.
            let forced = try target.prefixed(ClassDefinition(json: minimalClass("Forced"))).withReplicationFactor(1)
            let e = try #require(await contractError { try await client.ensureSchema([forced]) })
            #expect(e.status == 422 && e.description.contains("weaviate.replicationFactor"), "\(e)")
        }
    }
}
