import ESCOClients
import ESCOCore
import ESCOStandIns
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Weaviate 1.32 collection aliases through the product's client (docs/weaviate-compat.md, section Aliases): the API,
/// its refusals, and objects, batches and GraphQL read and written through an alias.
extension ContractTests {
    @Test func anAliasIsCreatedReadListedSwitchedAndDeleted() async throws {
        try await withContractAliases { client, target in
            try await target.ensureProductSchema(client)
            let (skill, occupation, stable) = (target.name("Skill"), target.name("Occupation"), target.name("Stable"))

            #expect(
                try await client.createAlias(stable, targetClass: skill)
                    == WeaviateAlias(name: stable, className: skill))
            #expect(try await client.alias(named: stable) == WeaviateAlias(name: stable, className: skill))
            // Names are cased like class names: the first letter is upper-cased on every call.
            let lower = "c" + stable.dropFirst()
            #expect(try await client.alias(named: lower)?.name == stable)
            let second = try await client.createAlias("c" + target.name("Second").dropFirst(), targetClass: occupation)
            #expect(second == WeaviateAlias(name: target.name("Second"), className: occupation))

            let mine = try await client.aliases().filter { $0.name.hasPrefix(target.prefix) }
            #expect(
                mine == [
                    WeaviateAlias(name: target.name("Second"), className: occupation),
                    WeaviateAlias(name: stable, className: skill),
                ])
            #expect(try await client.aliases(targetClass: skill) == [WeaviateAlias(name: stable, className: skill)])
            // An alias as filter stands for its target; a filter naming nothing selects nothing (not everything).
            #expect(try await client.aliases(targetClass: stable) == [WeaviateAlias(name: stable, className: skill)])
            #expect(try await client.aliases(targetClass: target.name("NoSuchClass")).isEmpty)

            #expect(
                try await client.replaceAliasTarget(lower, targetClass: occupation)
                    == WeaviateAlias(name: stable, className: occupation))
            #expect(try await client.alias(named: stable)?.className == occupation)
            // Replacing with the same target again is harmless (idempotent).
            try await client.replaceAliasTarget(stable, targetClass: occupation)
            // A target given as an alias is stored as that alias's class.
            #expect(
                try await client.replaceAliasTarget(target.name("Second"), targetClass: stable).className == occupation)

            try await client.deleteAlias(lower)
            #expect(try await client.alias(named: stable) == nil)
            let again = try #require(await contractError { try await client.deleteAlias(stable) })
            #expect(again.code == .notFound && again.status == 404, "\(again)")
            let missing = try #require(
                await contractError { try await client.replaceAliasTarget(stable, targetClass: skill) })
            #expect(missing.code == .notFound && missing.status == 404, "\(missing)")
            // The class an alias pointed at is untouched by the alias's deletion.
            #expect(try await client.aggregateCount(className: occupation) == 0)
        }
    }

    @Test func aliasesThatCollideOrTargetNothingAreRefusedWithWeaviatesMessages() async throws {
        try await withContractAliases { client, target in
            try await target.ensureProductSchema(client)
            let (skill, occupation, stable) = (target.name("Skill"), target.name("Occupation"), target.name("Stable"))
            try await client.createAlias(stable, targetClass: skill)

            let taken = try #require(
                await contractError { try await client.createAlias(skill, targetClass: occupation) })
            #expect(taken.code == .schema && taken.status == 422, "\(taken)")
            #expect(
                taken.serverMessage == "updating schema: TYPE_CREATE_ALIAS: create alias: class \(skill) already exists"
            )

            // An existing alias in another case: refused, nothing changed.
            let lower = "c" + stable.dropFirst()
            let exists = try #require(
                await contractError { try await client.createAlias(lower, targetClass: occupation) })
            #expect(exists.code == .alreadyExists && exists.status == 422, "\(exists)")
            #expect(
                exists.serverMessage
                    == "updating schema: TYPE_CREATE_ALIAS: create alias: alias \(stable) already exists")
            #expect(try await client.alias(named: stable)?.className == skill)

            let nowhere = try #require(
                await contractError {
                    try await client.createAlias(target.name("Nowhere"), targetClass: target.name("NoSuchClass"))
                })
            #expect(nowhere.code == .schema && nowhere.status == 422, "\(nowhere)")
            #expect(nowhere.serverMessage == "class does not exist: bad request")
            // The target is checked before the name: an alias named like a class, to nothing, is "does not exist".
            let both = try #require(
                await contractError { try await client.createAlias(skill, targetClass: "NoSuchClass") })
            #expect(both.serverMessage == "class does not exist: bad request")
            let switchNowhere = try #require(
                await contractError {
                    try await client.replaceAliasTarget(stable, targetClass: target.name("NoSuchClass"))
                })
            #expect(switchNowhere.code == .schema && switchNowhere.status == 422, "\(switchNowhere)")
            #expect(try await client.alias(named: stable)?.className == skill)
            // A class name is not an alias: replacing it is 404.
            let notAlias = try #require(
                await contractError { try await client.replaceAliasTarget(skill, targetClass: occupation) })
            #expect(notAlias.code == .notFound, "\(notAlias)")

            let invalid = try #require(
                await contractError { try await client.createAlias("bad-name!", targetClass: skill) })
            #expect(
                invalid.status == 422 && invalid.serverMessage == "'Bad-name!' is not a valid alias name", "\(invalid)")
            let long = "A" + String(repeating: "a", count: 255)
            let tooLong = try #require(await contractError { try await client.createAlias(long, targetClass: skill) })
            #expect(
                tooLong.serverMessage
                    == "'\(long)' is not a valid alias name. Name should not be longer than 255 characters")
            let empty = try #require(await contractError { try await client.createAlias("", targetClass: skill) })
            #expect(empty.serverMessage == "'' is not a valid alias name")

            // A class may not take an alias's name, in any case (cluster/schema/manager.go `PreApplyFilter`).
            let classBody: JSONValue = ["class": .string(stable), "vectorizer": "none"]
            let sameName = try await contractRaw(
                "POST", target.url + "/v1/schema", apiKey: target.apiKey, body: classBody)
            #expect(sameName.status == 422)
            #expect(firstMessage(sameName.json) == "alias name \(stable) already exists")
            let upper: JSONValue = ["class": .string(stable.uppercased()), "vectorizer": "none"]
            let similar = try await contractRaw("POST", target.url + "/v1/schema", apiKey: target.apiKey, body: upper)
            #expect(similar.status == 422)
            #expect(firstMessage(similar.json) == "class already exists: found similar alias \"\(stable)\"")
        }
    }

    /// After a first migration the product's class names are aliases: creating the schema then must not "create" a
    /// class over one, and says which alias is in the way.
    @Test func ensureSchemaRefusesAProductClassNameHeldByAnAliasAndNamesIt() async throws {
        try await withContractAliases { client, target in
            let other: JSONValue = ["class": .string(target.name("Other")), "vectorizer": "none"]
            #expect(
                try await contractRaw("POST", target.url + "/v1/schema", apiKey: target.apiKey, body: other).status
                    == 200)
            try await client.createAlias(target.name("Skill"), targetClass: target.name("Other"))
            let e = try #require(await contractError { try await target.ensureProductSchema(client) })
            #expect(e.code == .schema, "\(e)")
            #expect(e.detail?.contains("Weaviate has an alias named \"\(target.name("Skill"))\"") == true, "\(e)")
            _ = try await contractRaw(
                "DELETE", target.url + "/v1/schema/" + target.name("Other"), apiKey: target.apiKey)
        }
    }

    @Test func objectsAndBatchesAreReadAndWrittenThroughAnAliasAndCarryTheTargetClass() async throws {
        try await withContractAliases { client, target in
            try await target.ensureProductSchema(client)
            let (skill, stable) = (target.name("Skill"), target.name("Stable"))
            try await client.createAlias(stable, targetClass: skill)

            var one = skillObject(target, "via-alias", label: "one", vector: contractVector(1))
            one.className = stable
            try await client.createObject(one)
            let read = try #require(try await client.getObject(className: stable, id: one.id, includeVector: true))
            #expect(read.className == skill, "objects answer with the class, not the alias")
            #expect(read.properties["preferredLabel"] == "one" && close(read.vector, contractVector(1)))
            #expect(try await client.getObject(className: skill, id: one.id)?.properties == read.properties)
            #expect(try await client.objectExists(className: stable, id: one.id))

            let batch = (2..<6).map { n in
                var o = skillObject(target, "batch-\(n)", label: "batch \(n)", vector: contractVector(n))
                o.className = stable
                return o
            }
            let results = try await client.batchObjects(batch)
            #expect(results.allSatisfy { $0.errors.isEmpty }, "\(results)")
            #expect(try await client.aggregateCount(className: skill) == 5)
            let listed = try await client.listObjects(className: stable, limit: 10)
            #expect(Set(listed.map(\.id)) == Set([one.id] + batch.map(\.id)))
            #expect(listed.allSatisfy { $0.className == skill })

            try await client.patchObject(className: stable, id: one.id, properties: ["description": "patched"])
            #expect(try await client.getObject(className: skill, id: one.id)?.properties["description"] == "patched")
            var replaced = read
            replaced.className = stable
            replaced.properties["preferredLabel"] = "replaced"
            try await client.putObject(replaced)
            #expect(
                try await client.getObject(className: skill, id: one.id)?.properties["preferredLabel"] == "replaced")
            try await client.deleteObject(className: stable, id: one.id)
            #expect(try await client.getObject(className: skill, id: one.id) == nil)
        }
    }

    @Test func graphQLGetAndAggregateReadTheAliasTargetAndFollowASwitch() async throws {
        try await withContractAliases { client, target in
            try await target.ensureProductSchema(client)
            let (skill, occupation, stable) = (target.name("Skill"), target.name("Occupation"), target.name("Stable"))
            try await client.upsert(
                (0..<3).map { skillObject(target, "g\($0)", label: "skill \($0)", vector: contractVector($0)) })
            try await client.createAlias(stable, targetClass: skill)
            try await target.awaitGraphQL(client, [stable])

            let rows = try await client.get(
                GraphQLGet(
                    className: stable, fields: ["preferredLabel"], additional: .id,
                    filter: .equal(["preferredLabel"], .text("skill 1")), limit: 10))
            #expect(rows.compactMap { $0["preferredLabel"]?.stringValue } == ["skill 1"])
            let near = try await client.get(
                GraphQLGet(
                    className: stable, fields: ["preferredLabel"], additional: .id, limit: 1,
                    nearVector: contractVector(2)))
            #expect(near.first?["_additional"]?["id"]?.stringValue == contractID(target, "g2"))
            #expect(try await client.aggregateCount(className: stable) == 3)

            // Switched to an empty class: the same name now reads that one (a real Weaviate rebuilds its GraphQL schema
            // after the switch is applied, so poll briefly).
            try await client.replaceAliasTarget(stable, targetClass: occupation)
            let deadline = Date().addingTimeInterval(15)
            while try await client.aggregateCount(className: stable) != 0, Date() < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(try await client.aggregateCount(className: stable) == 0)
            #expect(try await client.aggregateCount(className: skill) == 3)
        }
    }

    @Test func deletingTheTargetClassLeavesTheAliasPointingAtNothingUntilTheClassIsBack() async throws {
        try await withContractAliases { client, target in
            try await target.ensureProductSchema(client)
            let (skill, stable) = (target.name("Skill"), target.name("Stable"))
            try await client.createAlias(stable, targetClass: skill)
            try await client.upsert([skillObject(target, "d1", label: "kept", vector: contractVector(1))])

            // The schema read of an alias answers its class; deleting "the class" by its alias name deletes nothing.
            let viaAlias = try await contractRaw("GET", target.url + "/v1/schema/" + stable, apiKey: target.apiKey)
            #expect(viaAlias.status == 200 && viaAlias.json?["class"]?.stringValue == skill)
            #expect(
                try await contractRaw("DELETE", target.url + "/v1/schema/" + stable, apiKey: target.apiKey).status
                    == 200)
            #expect(try await client.aggregateCount(className: skill) == 1)

            #expect(
                try await contractRaw("DELETE", target.url + "/v1/schema/" + skill, apiKey: target.apiKey).status == 200
            )
            #expect(
                try await client.alias(named: stable) == WeaviateAlias(name: stable, className: skill),
                "the alias outlives its class")
            let query = "{ Get { \(stable) { preferredLabel } } }"
            let deadline = Date().addingTimeInterval(15)
            var gone: WeaviateError?
            while gone == nil, Date() < deadline {
                gone = await contractError { _ = try await client.graphQL(query) }
                if gone == nil { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(
                gone?.serverMessage?.contains("Cannot query field \"\(stable)\"") == true, "\(String(describing: gone))"
            )

            // Creating the class again (empty) brings the alias back to life.
            try await target.ensureProductSchema(client)
            try await target.awaitGraphQL(client, [stable])
            #expect(try await client.aggregateCount(className: stable) == 0)
        }
    }

    /// Aliases are schema state: a killed (SIGKILL: replayed from the log) or stopped (SIGTERM: from the snapshot)
    /// stand-in comes back with every alias and its latest target.
    @Test(
        .enabled(if: ContractEnvironment.weaviateIsStandIn, "restarts the stand-in process"),
        arguments: [SIGKILL, SIGTERM])
    func restartingTheStandInKeepsAliasesAndTheirLatestTargets(signal: Int32) async throws {
        try await withTemporaryDirectory { dir in
            let arguments = ["weaviate", "--port", "0", "--data-dir", dir.path]
            let first = try StandInProcess(arguments: arguments)
            defer { first.terminate() }
            let target = ContractWeaviate(url: first.url, prefix: "ContractTAliasRestart", standIn: nil, apiKey: nil)
            let client = target.client()
            try await target.ensureProductSchema(client)
            let (skill, occupation) = (target.name("Skill"), target.name("Occupation"))
            try await client.upsert([skillObject(target, "a1", label: "restart", vector: contractVector(1))])
            try await client.createAlias(target.name("Stable"), targetClass: skill)
            try await client.createAlias(target.name("Switched"), targetClass: skill)
            try await client.replaceAliasTarget(target.name("Switched"), targetClass: occupation)
            try await client.createAlias(target.name("Deleted"), targetClass: skill)
            try await client.deleteAlias(target.name("Deleted"))
            let before = try await client.aliases()
            #expect(
                before == [
                    WeaviateAlias(name: target.name("Stable"), className: skill),
                    WeaviateAlias(name: target.name("Switched"), className: occupation),
                ])

            first.send(signal)
            _ = try first.waitForExit()
            let second = try StandInProcess(arguments: arguments)
            defer { second.terminate() }
            let restarted = target.client(url: second.url)
            #expect(try await restarted.aliases() == before)
            #expect(try await restarted.aggregateCount(className: target.name("Stable")) == 1)
            #expect(
                try await restarted.getObject(className: target.name("Stable"), id: contractID(target, "a1"))?.className
                    == skill)
            let refused = try #require(
                await contractError {
                    try await restarted.createAlias(target.name("Deleted"), targetClass: target.name("NoSuchClass"))
                })
            #expect(refused.serverMessage == "class does not exist: bad request")
        }
    }
}

/// `withContractWeaviate`, then deletes the test's aliases (real servers only: the stand-in is thrown away), since
/// Weaviate keeps an alias after its class is deleted.
func withContractAliases(_ body: (WeaviateClient, ContractWeaviate) async throws -> Void) async throws {
    try await withContractWeaviate { client, target in
        func deleteAliases() async {
            guard target.standIn == nil else { return }
            for alias in (try? await client.aliases()) ?? [] where alias.name.hasPrefix(target.prefix) {
                try? await client.deleteAlias(alias.name)
            }
        }
        do {
            try await body(client, target)
        } catch {
            await deleteAliases()
            throw error
        }
        await deleteAliases()
    }
}

/// Weaviate's first `{"error":[{"message":…}]}` message.
func firstMessage(_ json: JSONValue?) -> String? { json?["error"]?.arrayValue?.first?["message"]?.stringValue }
