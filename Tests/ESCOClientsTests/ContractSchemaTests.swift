import ESCOClients
import ESCOCore
import ESCOStandIns
import Foundation
import TestSupport
import Testing

/// Health, meta, schema setup and authentication.
extension ContractTests {
    @Test func readinessLivenessAndMeta() async throws {
        try await withContractWeaviate { client, target in
            #expect(await client.isReady())
            #expect(await client.isLive())
            let version = try #require(try await client.meta()["version"]?.stringValue)
            #expect(version.hasPrefix("1."), "Weaviate at \(target.url) reports version \(version)")
            if target.standIn != nil { #expect(version.hasPrefix("1.32")) }
            // Nothing listens here: a probe answers false instead of throwing.
            #expect(await makeContractClient("http://127.0.0.1:9", apiKey: nil, retries: 0).isReady() == false)
        }
    }

    @Test func ensureSchemaCreatesEveryProductClassThenChangesNothing() async throws {
        try await withContractWeaviate { client, target in
            let classes = try target.productClasses()
            #expect(classes.count >= 7)
            let first = try await client.ensureSchema(classes)
            #expect(Set(first.createdClasses) == Set(classes.map(\.name)))
            let references = classes.flatMap { c in c.properties.filter(\.isReference).map { "\(c.name).\($0.name)" } }
            #expect(Set(first.addedProperties) == Set(references))

            // What Weaviate stores is what the files say: every property with its dataType, field tokenisation kept.
            let schema = try await client.getSchema()
            let stored = (schema["classes"]?.arrayValue ?? []).filter {
                $0["class"]?.stringValue?.hasPrefix(target.prefix) == true
            }
            #expect(stored.count == classes.count)
            for cls in classes {
                let found = try #require(stored.first { $0["class"]?.stringValue == cls.name }, "\(cls.name) missing")
                #expect(found["vectorizer"]?.stringValue == "none")
                // `indexTimestamps: false` is sent, and left out of the answer (Go's omitempty); still a match.
                #expect(found["invertedIndexConfig"]?["indexTimestamps"] == nil)
                let props = found["properties"]?.arrayValue ?? []
                for p in cls.properties {
                    let sp = props.first { $0["name"]?.stringValue == p.name }
                    let types = sp?["dataType"]?.arrayValue?.compactMap(\.stringValue) ?? []
                    #expect(
                        p.isReference ? Set(types) == Set(p.dataType) : types == p.dataType, "\(cls.name).\(p.name)")
                    if let tokenization = p.json["tokenization"]?.stringValue {
                        #expect(sp?["tokenization"]?.stringValue == tokenization, "\(cls.name).\(p.name)")
                    }
                }
            }

            let second = try await client.ensureSchema(classes)
            #expect(!second.changed)
            #expect(second.createdClasses.isEmpty && second.addedProperties.isEmpty)
            #expect(second.extraProperties.isEmpty, "Weaviate added properties of its own: \(second.extraProperties)")
        }
    }

    @Test func ensureSchemaAddsAMissingPropertyToAnExistingClass() async throws {
        try await withContractWeaviate { client, target in
            let skill = try #require(try target.productClasses().first { $0.name == target.name("Skill") })
            // Only Skill (its own references need other classes): primitives plus the self-reference.
            let own = skill.properties.filter { !$0.isReference || $0.dataType == [skill.name] }
            let full = try ClassDefinition(json: replacing(skill.json, properties: own))
            let older = try ClassDefinition(
                json: replacing(skill.json, properties: own.filter { $0.name != "scopeNote" }))

            #expect(try await client.ensureSchema([older]).createdClasses == [skill.name])
            let report = try await client.ensureSchema([full])
            #expect(report.createdClasses.isEmpty)
            #expect(report.addedProperties == ["\(skill.name).scopeNote"])

            let schema = try await client.getSchema()
            let cls = (schema["classes"]?.arrayValue ?? []).first { $0["class"]?.stringValue == skill.name }
            let scope = cls?["properties"]?.arrayValue?.first { $0["name"]?.stringValue == "scopeNote" }
            #expect(scope?["dataType"] == ["text"])
            // The new property is usable at once.
            try await target.awaitGraphQL(client, [skill.name])
            let object = skillObject(target, "scoped", label: "scoped skill", extra: ["scopeNote": "only here"])
            try await client.createObject(object)
            let back = try await client.getObject(className: skill.name, id: object.id)
            #expect(back?.properties["scopeNote"] == "only here")
            #expect(!(try await client.ensureSchema([full])).changed)
        }
    }

    @Test func ensureSchemaRefusesAnIncompatibleDataTypeAndChangesNothing() async throws {
        try await withContractWeaviate { client, target in
            let skill = try #require(try target.productClasses().first { $0.name == target.name("Skill") })
            let own = skill.properties.filter { !$0.isReference || $0.dataType == [skill.name] }
            // Someone created the class earlier with `status` as an int and without `scopeNote`.
            let clashing = own.filter { $0.name != "scopeNote" }.map { p -> ClassDefinition.Property in
                guard p.name == "status" else { return p }
                var q = p
                q.json = ["name": "status", "dataType": ["int"]]
                return q
            }
            try await client.ensureSchema([try ClassDefinition(json: replacing(skill.json, properties: clashing))])

            let full = try ClassDefinition(json: replacing(skill.json, properties: own))
            let error = await contractError { try await client.ensureSchema([full]) }
            let e = try #require(error)
            #expect(e.code == .schema)
            #expect(e.description.contains("class \(skill.name) property status"), "\(e)")
            #expect(e.description.contains("\"text\"") && e.description.contains("\"int\""), "\(e)")
            #expect(e.description.contains(target.url))

            // Checked before written: the missing property was not added either.
            let schema = try await client.getSchema()
            let cls = (schema["classes"]?.arrayValue ?? []).first { $0["class"]?.stringValue == skill.name }
            let names = Set((cls?["properties"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue })
            #expect(!names.contains("scopeNote"))
            #expect(cls?["properties"]?.arrayValue?.first { $0["name"] == "status" }?["dataType"] == ["int"])
        }
    }

    // MARK: Authentication (docs/weaviate-compat.md: Bearer only when a key is configured)

    @Test(.enabled(if: ContractEnvironment.weaviateIsStandIn, "needs a stand-in started with an API key"))
    func apiKeyServerRejectsMissingOrWrongKeysClearly() async throws {
        try await withContractWeaviate(.init(apiKey: "contract-s3cret")) { client, target in
            // Readiness stays public, as in Weaviate.
            #expect(await target.client(apiKey: .some(nil)).isReady())
            for key in [nil, "wrong-key-123"] as [String?] {
                let e = try #require(
                    await contractError { _ = try await target.client(apiKey: .some(key)).getSchema() })
                #expect(e.code == .http && e.status == 401)
                #expect(e.attempts == 1, "401 is not retried")
                #expect(e.description.contains("HTTP 401") && e.description.contains("API key"), "\(e)")
                #expect(!e.description.contains("contract-s3cret") && !e.description.contains("wrong-key-123"))
            }
            let classes = try await target.ensureProductSchema(client)
            let object = skillObject(target, "keyed", label: "keyed skill", vector: [1, 2, 3])
            try await client.upsert([object])
            #expect(
                try await client.getObject(className: object.className, id: object.id)?.properties["preferredLabel"]
                    == "keyed skill")
            #expect(try await client.aggregateCount(className: classes[0].name) == 0)
        }
    }

    @Test(.enabled(if: ContractEnvironment.weaviateAPIKey == nil, "the target Weaviate is not anonymous"))
    func anonymousServerRejectsABearerHeader() async throws {
        try await withContractWeaviate { client, target in
            let keyed = target.client(apiKey: .some("unexpected-key"))
            let e = try #require(await contractError { _ = try await keyed.getSchema() })
            #expect(e.status == 401, "\(e)")
            #expect(!e.description.contains("unexpected-key"))
            // The same call without a header works: the product sends Bearer only when configured.
            _ = try await client.getSchema()
        }
    }
}

/// A class definition's JSON with another property list.
func replacing(_ json: JSONValue, properties: [ClassDefinition.Property]) -> JSONValue {
    guard case .object(var o) = json else { return json }
    o["properties"] = .array(properties.map(\.json))
    return .object(o)
}
