import ESCOClients
import ESCOCore
import ESCOStandIns
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Everything a client can see of one Weaviate: schema, and per class every object with properties and vector.
struct WeaviateSnapshot: Equatable {
    var classes: [String: JSONValue]
    var objects: [String: [WeaviateObject]]

    static func read(_ client: WeaviateClient, prefix: String) async throws -> WeaviateSnapshot {
        var classes: [String: JSONValue] = [:]
        var objects: [String: [WeaviateObject]] = [:]
        for cls in try await client.getSchema()["classes"]?.arrayValue ?? [] {
            guard let name = cls["class"]?.stringValue, name.hasPrefix(prefix) else { continue }
            classes[name] = cls
            var all: [WeaviateObject] = []
            var after: String?
            while true {
                let page = try await client.listObjects(className: name, limit: 100, after: after, includeVector: true)
                guard let last = page.last else { break }
                all += page
                after = last.id
            }
            objects[name] = all
        }
        return WeaviateSnapshot(classes: classes, objects: objects)
    }
}

/// Stand-in only: restarts and fault injection need control over the server.
extension ContractTests {
    @Test(
        .enabled(if: ContractEnvironment.weaviateIsStandIn, "restarts the stand-in process"),
        arguments: [SIGKILL, SIGTERM])
    func restartingTheStandInOnTheSameDataDirectoryKeepsEverything(signal: Int32) async throws {
        try await withTemporaryDirectory { dir in
            let arguments = ["weaviate", "--port", "0", "--data-dir", dir.path]
            let first = try StandInProcess(arguments: arguments)
            defer { first.terminate() }
            let target = ContractWeaviate(url: first.url, prefix: "ContractTRestart", standIn: nil, apiKey: nil)
            let client = target.client()
            try await target.ensureProductSchema(client)
            let skill = target.name("Skill")
            let skills = (0..<30).map { n in
                skillObject(
                    target, "r\(n)", label: "restart \(n)", alt: ["alt \(n)"], vector: contractVector(n, dims: 16),
                    extra: n > 0
                        ? ["broaderSkills": Beacon.references([(skill, contractID(target, "r\(n - 1)"))])] : [:])
            }
            // As the product does: every object first, then again with its references (targets must exist).
            try await client.upsert(
                skills.map {
                    var s = $0; s.properties["broaderSkills"] = nil; return s
                })
            try await client.upsert(skills)
            // Every kind of write the log must carry: appended references (twice), create, put, patch, delete.
            _ = try await client.batchReferences(
                [skills[1], skills[1], skills[2]].map {
                    ReferenceSpec(
                        fromClass: skill, fromID: skills[0].id, property: "essentialSkills", toClass: skill, toID: $0.id
                    )
                })
            try await client.createObject(
                WeaviateObject(
                    className: target.name("Metadata"), id: contractID(target, "state"),
                    properties: ["metaType": "ingestion_state", "status": "completed", "generation": 7], vector: nil))
            var replaced = skills[5]
            replaced.properties["preferredLabel"] = "replaced"
            try await client.putObject(replaced)
            try await client.patchObject(className: skill, id: skills[6].id, properties: ["description": "patched"])
            try await client.deleteObject(className: skill, id: skills[7].id)
            let before = try await WeaviateSnapshot.read(client, prefix: target.prefix)
            #expect(before.objects[skill]?.count == 29)
            #expect(before.objects[skill]?.allSatisfy { $0.vector?.count == 16 } == true)

            first.send(signal)
            _ = try first.waitForExit()
            let second = try StandInProcess(arguments: arguments)
            defer { second.terminate() }
            let restarted = target.client(url: second.url)
            let after = try await WeaviateSnapshot.read(restarted, prefix: target.prefix)
            #expect(after == before)
            let zero = after.objects[skill]?.first { $0.id == skills[0].id }
            #expect(
                beacons(zero?.properties["essentialSkills"]).count == 3,
                "appended references once each, not replayed twice")
            #expect(after.objects[skill]?.first { $0.id == skills[5].id }?.properties["preferredLabel"] == "replaced")
            // Search still works on the reloaded data.
            let near = try await restarted.get(
                GraphQLGet(
                    className: skill, fields: ["preferredLabel"], additional: .id, limit: 1,
                    nearVector: skills[3].vector))
            #expect(near.first?["_additional"]?["id"]?.stringValue == skills[3].id)
            #expect(try await restarted.aggregateCount(className: target.name("Metadata")) == 1)
        }
    }

    /// 10% of requests answered 500/503 (seeded): the client's retries make a 2,000-object import land exactly.
    /// The drop case closes connections before or after applying the batch: the retry then overwrites (upsert).
    @Test(
        .enabled(if: ContractEnvironment.weaviateIsStandIn, "injects faults"),
        arguments: [Faults(errorRate: 0.1, seed: 42), Faults(dropRate: 0.05, seed: 7)])
    func aFaultyImportThroughTheClientEndsWithExactlyEveryObject(faults: Faults) async throws {
        try await withContractWeaviate { _, target in
            let standIn = try #require(target.standIn)
            let client = target.client(retries: 8, batchSize: 50)
            try await target.ensureProductSchema(client)
            // Small objects: the client decodes every echoed object of a batch response, which dominates the time here.
            let objects = (0..<2000).map { n in
                WeaviateObject(
                    className: target.name("Skill"), id: contractID(target, "f\(n)"),
                    properties: ["conceptUri": .string("f\(n)")], vector: [Float(n), 1])
            }
            standIn.setFaults(faults)
            try await client.upsert(objects)
            standIn.setFaults(Faults())

            let stats = try await contractRaw("GET", target.url + "/_standin/stats")
            let batchRequests = stats.json?["requests"]?["POST /v1/batch/objects"]?.intValue ?? 0
            #expect(batchRequests > 40, "faults fired and were retried (\(batchRequests) batch requests for 40 chunks)")

            #expect(try await client.aggregateCount(className: target.name("Skill")) == 2000)
            var ids: [String] = []
            var after: String?
            while let page = Optional(
                try await client.listObjects(className: target.name("Skill"), limit: 500, after: after)),
                let last = page.last
            {
                ids += page.map(\.id)
                after = last.id
            }
            #expect(ids.count == 2000 && Set(ids).count == 2000)
            #expect(Set(ids) == Set(objects.map(\.id)))
        }
    }
}

extension ContractWeaviate {
    /// A client for the same target at another URL (a restarted stand-in listens on a new port).
    func client(url: String) -> WeaviateClient { makeContractClient(url, apiKey: apiKey) }
}
