import ESCOClients
import ESCOCore
import Foundation
import Testing

/// `POST /v1/batch/objects` and `POST /v1/batch/references`.
extension ContractTests {
    @Test func batchUpsertOverwritesWithoutDuplicates() async throws {
        try await withContractWeaviate { client, target in
            try await target.ensureProductSchema(client)
            let first = (0..<10).map { skillObject(target, "u\($0)", label: "first \($0)", vector: contractVector($0)) }
            try await client.upsert(first)
            let created = try #require(try await client.getObject(className: first[3].className, id: first[3].id))

            let second = (0..<10).map {
                skillObject(target, "u\($0)", label: "second \($0)", alt: ["again"], vector: contractVector($0 + 100))
            }
            let results = try await client.batchObjects(second)
            #expect(results.count == 10 && results.allSatisfy { $0.succeeded })
            #expect(results.map(\.id) == second.map(\.id))
            #expect(try await client.aggregateCount(className: target.name("Skill")) == 10)
            let listed = try await client.listObjects(className: target.name("Skill"), limit: 100)
            #expect(listed.count == 10)
            let back = try #require(
                try await client.getObject(className: first[3].className, id: first[3].id, includeVector: true))
            #expect(back.properties["preferredLabel"] == "second 3" && back.properties["altLabels"] == ["again"])
            #expect(close(back.vector, contractVector(103)))
            // A batch overwrite restamps the creation time too (weaviate/weaviate#2500): nothing in the product may
            // use creationTimeUnix to tell a first write from an overwrite.
            #expect(back.creationTimeUnix == back.lastUpdateTimeUnix)
            #expect((back.creationTimeUnix ?? 0) >= (created.creationTimeUnix ?? .max))
        }
    }

    @Test func duplicateIDInOneBatchLastWins() async throws {
        try await withContractWeaviate { client, target in
            try await target.ensureProductSchema(client)
            let a = skillObject(target, "dup", label: "first", vector: contractVector(1))
            let b = skillObject(target, "dup", label: "last", vector: contractVector(2))
            let results = try await client.batchObjects([a, b])
            #expect(results.allSatisfy { $0.succeeded })
            #expect(try await client.aggregateCount(className: a.className) == 1)
            let back = try #require(try await client.getObject(className: a.className, id: a.id, includeVector: true))
            #expect(back.properties["preferredLabel"] == "last")
            #expect(close(back.vector, contractVector(2)))
        }
    }

    @Test func aBadItemIsReportedPerItemWhileTheOthersAreStored() async throws {
        try await withContractWeaviate { client, target in
            try await target.ensureProductSchema(client)
            let good1 = skillObject(target, "good1", label: "good one", vector: contractVector(1))
            let unknownProperty = skillObject(
                target, "bad1", label: "bad", vector: contractVector(2),
                extra: ["noSuchProperty": "x"])
            var unknownClass = skillObject(target, "bad2", label: "bad", vector: contractVector(3))
            unknownClass.className = target.name("NoSuchClass")
            // A vector whose length differs from the class's vectors (a changed model without a rebuild).
            let wrongLength = skillObject(target, "bad3", label: "bad", vector: contractVector(5, dims: 5))
            let good2 = skillObject(target, "good2", label: "good two", vector: contractVector(4))

            try await client.upsert([good1])
            let results = try await client.batchObjects([unknownProperty, unknownClass, wrongLength, good2])
            #expect(results.map(\.succeeded) == [false, false, false, true])
            #expect(results[0].errors.joined().contains("noSuchProperty"), "\(results[0].errors)")
            #expect(results[1].errors.joined().contains("NoSuchClass"), "\(results[1].errors)")
            #expect(results[2].errors.joined().contains("length 5"), "\(results[2].errors)")
            #expect(try await client.objectExists(className: wrongLength.className, id: wrongLength.id) == false)
            #expect(try await client.objectExists(className: good1.className, id: good1.id))
            #expect(try await client.objectExists(className: good2.className, id: good2.id))
            #expect(try await client.objectExists(className: good1.className, id: unknownProperty.id) == false)
            #expect(try await client.aggregateCount(className: good1.className) == 2)

            // `upsert` re-sends only the failures, then throws listing them: a run with bad data is never "completed".
            let e = try #require(
                await catching(BatchError.self) { try await client.upsert([good1, unknownProperty, good2]) })
            #expect(e.failures.map(\.id) == [unknownProperty.id])
            #expect(e.total == 3 && e.attempts == 3)
            #expect(e.description.contains(target.url) && e.description.contains("/v1/batch/objects"))
        }
    }

    /// Weaviate appends on `POST /v1/batch/references`: the same reference sent twice is stored twice. This is WHY
    /// the product never replays reference batches on a re-run and instead writes each object's complete reference
    /// lists as beacon arrays with the object itself (an upsert replaces the list; see the next test).
    @Test func batchReferencesAppendSoTheSameReferenceTwiceIsStoredTwice() async throws {
        try await withContractWeaviate { client, target in
            try await target.ensureProductSchema(client)
            let skill = target.name("Skill")
            let (a, b, c) = (
                skillObject(target, "a", label: "a", vector: contractVector(1)),
                skillObject(target, "b", label: "b", vector: contractVector(2)),
                skillObject(target, "c", label: "c", vector: contractVector(3))
            )
            try await client.upsert([a, b, c])
            let refs = [b, b, c].map {
                ReferenceSpec(fromClass: skill, fromID: a.id, property: "broaderSkills", toClass: skill, toID: $0.id)
            }
            let results = try await client.batchReferences(refs)
            #expect(results.count == 3 && results.allSatisfy { $0.succeeded }, "\(results)")

            let back = try #require(try await client.getObject(className: skill, id: a.id, includeVector: true))
            #expect(beacons(back.properties["broaderSkills"]) == [b.beacon, b.beacon, c.beacon])
            #expect(close(back.vector, contractVector(1)), "adding references keeps the vector")
            let viaGraphQL = try await client.get(
                GraphQLGet(
                    className: skill, fields: [.reference("broaderSkills", on: skill, ["preferredLabel"])],
                    filter: .equal(["conceptUri"], .text(a.properties["conceptUri"]!.stringValue!)), limit: 5))
            #expect(viaGraphQL.first?["broaderSkills"]?.arrayValue?.count == 3)

            // A reference from a missing object is reported per item (Weaviate checks the source since 1.24,
            // weaviate/weaviate#4172), and the others in the batch are stored.
            let orphan = ReferenceSpec(
                fromClass: skill, fromID: contractID(target, "missing"), property: "broaderSkills",
                toClass: skill, toID: b.id)
            let fine = ReferenceSpec(
                fromClass: skill, fromID: c.id, property: "broaderSkills", toClass: skill, toID: a.id)
            let mixed = try await client.batchReferences([orphan, fine])
            #expect(mixed.map { $0.succeeded } == [false, true], "\(mixed)")
            #expect(try await client.objectExists(className: skill, id: contractID(target, "missing")) == false)
            let cBack = try await client.getObject(className: skill, id: c.id)
            #expect(beacons(cBack?.properties["broaderSkills"]) == [a.beacon])
        }
    }

    /// Weaviate validates every object of a batch, beacon targets included, before it stores any
    /// (usecases/objects/batch_add.go, validation/properties_validation.go): a beacon to an object not stored yet
    /// fails that item, even when its target comes earlier in the same batch. So the product writes targets first.
    @Test func aBeaconToAnObjectNotYetStoredFailsThatItemEvenInTheSameBatch() async throws {
        try await withContractWeaviate { client, target in
            try await target.ensureProductSchema(client)
            let skill = target.name("Skill")
            let t = skillObject(target, "target", label: "target", vector: contractVector(1))
            let s = skillObject(
                target, "source", label: "source", vector: contractVector(2),
                extra: ["broaderSkills": Beacon.references([(skill, t.id)])])
            let results = try await client.batchObjects([t, s])
            #expect(results.map(\.succeeded) == [true, false], "\(results)")
            #expect(results[1].errors.joined().contains("no object with id \(t.id)"), "\(results[1].errors)")
            #expect(try await client.objectExists(className: skill, id: s.id) == false)

            let again = try await client.batchObjects([s])
            #expect(again.allSatisfy { $0.succeeded }, "\(again)")
            let back = try await client.getObject(className: skill, id: s.id)
            #expect(beacons(back?.properties["broaderSkills"]) == [t.beacon])
        }
    }

    @Test func beaconArraysInABatchUpsertReplaceTheListExactly() async throws {
        try await withContractWeaviate { client, target in
            try await target.ensureProductSchema(client)
            let skill = target.name("Skill")
            let targets = (1...3).map { skillObject(target, "t\($0)", label: "t\($0)", vector: contractVector($0)) }
            func source(_ refs: [WeaviateObject]) -> WeaviateObject {
                skillObject(
                    target, "src", label: "source", vector: contractVector(9),
                    extra: ["broaderSkills": Beacon.references(refs.map { ($0.className, $0.id) })])
            }
            try await client.upsert(targets)
            try await client.upsert([source(targets)])
            let three = try await client.getObject(className: skill, id: contractID(target, "src"))
            #expect(beacons(three?.properties["broaderSkills"]) == targets.map(\.beacon))

            try await client.upsert([source(Array(targets.prefix(2)))])
            try await client.upsert([source(Array(targets.prefix(2)))])
            let two = try #require(
                try await client.getObject(className: skill, id: contractID(target, "src"), includeVector: true))
            #expect(beacons(two.properties["broaderSkills"]) == targets.prefix(2).map(\.beacon))
            #expect(close(two.vector, contractVector(9)))
            let rows = try await client.get(
                GraphQLGet(
                    className: skill, fields: [.reference("broaderSkills", on: skill, ["preferredLabel"])],
                    filter: .equal(["conceptUri"], .text("http://data.europa.eu/esco/skill/src")), limit: 5))
            #expect(
                rows.first?["broaderSkills"]?.arrayValue?.compactMap { $0["preferredLabel"]?.stringValue } == [
                    "t1", "t2",
                ])
        }
    }
}

/// Awaits an error of type `E`, or nil.
func catching<E: Error>(_ type: E.Type, _ body: () async throws -> Void) async -> E? {
    do { try await body() } catch let e as E { return e } catch {}
    return nil
}
