import ESCOClients
import ESCOCore
import Foundation
import Testing

/// Single-object REST calls: create, get, head, put, patch, delete, list with the cursor.
extension ContractTests {
    @Test func createThenCreateAgainIsAlreadyExistsAndGetRoundTrips() async throws {
        try await withContractWeaviate { client, target in
            try await target.ensureProductSchema(client)
            let vector = contractVector(1)
            let object = skillObject(
                target, "create", label: "create me", alt: ["make me", "build me"], vector: vector)
            try await client.createObject(object)

            let again = skillObject(target, "create", label: "second writer", vector: contractVector(2))
            let e = try #require(await contractError { try await client.createObject(again) })
            #expect(e.code == .alreadyExists && e.status == 422, "\(e)")
            #expect(e.attempts == 1)

            let withVector = try #require(
                try await client.getObject(className: object.className, id: object.id, includeVector: true))
            #expect(withVector.className == object.className && withVector.id == object.id)
            #expect(withVector.properties["preferredLabel"] == "create me", "the second create must not have written")
            #expect(withVector.properties["altLabels"] == ["make me", "build me"])
            #expect(withVector.properties["conceptUri"] == object.properties["conceptUri"])
            #expect(close(withVector.vector, vector), "\(String(describing: withVector.vector)) vs \(vector)")
            #expect((withVector.creationTimeUnix ?? 0) > 1_600_000_000_000, "milliseconds since 1970")

            let without = try #require(try await client.getObject(className: object.className, id: object.id))
            #expect(without.vector == nil)
            #expect(without.properties == withVector.properties)
            #expect(try await client.getObject(className: object.className, id: contractID(target, "absent")) == nil)
        }
    }

    @Test func headTellsWhetherAnObjectExists() async throws {
        try await withContractWeaviate { client, target in
            try await target.ensureProductSchema(client)
            let object = skillObject(target, "head", label: "head", vector: contractVector(3))
            try await client.upsert([object])
            #expect(try await client.objectExists(className: object.className, id: object.id))
            #expect(try await client.objectExists(className: object.className, id: object.id.uppercased()))
            #expect(try await client.objectExists(className: object.className, id: contractID(target, "nope")) == false)
        }
    }

    /// PUT replaces the whole object, and a PUT without a vector drops the vector (vectorizer `none`): the defect the
    /// Python original shipped. The product therefore never PUTs; it upserts complete objects with their vectors.
    @Test func putReplacesTheWholeObjectAndWithoutAVectorDropsIt() async throws {
        try await withContractWeaviate { client, target in
            try await target.ensureProductSchema(client)
            var object = skillObject(
                target, "put", label: "before", vector: contractVector(4),
                extra: ["description": "will disappear"])
            try await client.createObject(object)

            object.properties = ["conceptUri": object.properties["conceptUri"]!, "preferredLabel": "after"]
            object.vector = contractVector(5)
            try await client.putObject(object)
            let replaced = try #require(
                try await client.getObject(className: object.className, id: object.id, includeVector: true))
            #expect(replaced.properties["preferredLabel"] == "after")
            #expect(replaced.properties["description"] == nil, "PUT replaces: properties not sent are gone")
            #expect(replaced.properties["altLabels"] == nil)
            #expect(close(replaced.vector, contractVector(5)))

            object.vector = nil
            try await client.putObject(object)
            let dropped = try #require(
                try await client.getObject(className: object.className, id: object.id, includeVector: true))
            #expect(dropped.properties["preferredLabel"] == "after")
            #expect(dropped.vector == nil, "Weaviate keeps no vector after a PUT without one")

            // PUT on a missing object is an error (500 in 1.25-1.32), never a create.
            var missing = object
            missing.id = contractID(target, "put-missing")
            missing.vector = contractVector(6)
            let e = try #require(await contractError { try await client.putObject(missing) })
            #expect([404, 500].contains(e.status ?? 0), "\(e)")
            #expect(try await client.objectExists(className: missing.className, id: missing.id) == false)
        }
    }

    @Test func patchMergesPropertiesAndKeepsTheVector() async throws {
        try await withContractWeaviate { client, target in
            try await target.ensureProductSchema(client)
            let object = skillObject(
                target, "patch", label: "kept", alt: ["kept too"], vector: contractVector(7),
                extra: ["description": "old"])
            try await client.createObject(object)
            try await client.patchObject(className: object.className, id: object.id, properties: ["description": "new"])
            let merged = try #require(
                try await client.getObject(className: object.className, id: object.id, includeVector: true))
            #expect(merged.properties["description"] == "new")
            #expect(merged.properties["preferredLabel"] == "kept")
            #expect(merged.properties["altLabels"] == ["kept too"])
            #expect(close(merged.vector, contractVector(7)), "PATCH without a vector keeps the stored one")

            let e = try #require(
                await contractError {
                    try await client.patchObject(
                        className: object.className, id: contractID(target, "patch-missing"),
                        properties: ["description": "x"])
                })
            #expect(e.status == 404, "\(e)")
        }
    }

    /// Weaviate 1.32 deletes by class and id without an existence check (usecases/objects/delete.go): a missing
    /// object answers 204 like an existing one, so nothing may read "existed" from a delete's status.
    @Test func deleteRemovesAndDeletingAMissingObjectAnswers204() async throws {
        try await withContractWeaviate { client, target in
            try await target.ensureProductSchema(client)
            let object = skillObject(target, "delete", label: "gone soon", vector: contractVector(8))
            let other = skillObject(target, "stays", label: "stays", vector: contractVector(9))
            try await client.upsert([object, other])
            try await client.deleteObject(className: object.className, id: object.id)
            #expect(try await client.getObject(className: object.className, id: object.id) == nil)
            #expect(try await client.objectExists(className: object.className, id: object.id) == false)
            try await client.deleteObject(className: object.className, id: object.id)
            let path = "/v1/objects/\(object.className)/\(contractID(target, "never-written"))"
            #expect(try await contractRaw("DELETE", target.url + path, apiKey: target.apiKey).status == 204)
            #expect(try await client.objectExists(className: other.className, id: other.id))
            #expect(try await client.aggregateCount(className: object.className) == 1)
        }
    }

    @Test func listWithTheAfterCursorVisitsEveryObjectExactlyOnce() async throws {
        try await withContractWeaviate { client, target in
            try await target.ensureProductSchema(client)
            let objects = (0..<250).map { n in
                skillObject(target, "page-\(n)", label: "page \(n)", vector: contractVector(n, dims: 4))
            }
            try await client.upsert(objects)

            var seen: [String] = []
            var pages: [Int] = []
            var after: String?
            while true {
                let page = try await client.listObjects(className: target.name("Skill"), limit: 100, after: after)
                pages.append(page.count)
                guard let last = page.last else { break }
                #expect(page.allSatisfy { $0.vector == nil })
                seen += page.map(\.id)
                after = last.id
                if pages.count > 10 { break }
            }
            #expect(pages == [100, 100, 50, 0])
            #expect(seen.count == 250 && Set(seen).count == 250)
            #expect(Set(seen) == Set(objects.map(\.id)))
            #expect(seen == seen.sorted(), "the cursor walks ids in uuid order")

            let withVectors = try await client.listObjects(
                className: target.name("Skill"), limit: 5, includeVector: true)
            #expect(withVectors.count == 5)
            let byID = Dictionary(uniqueKeysWithValues: objects.map { ($0.id, $0) })
            #expect(withVectors.allSatisfy { close($0.vector, byID[$0.id]?.vector) })
        }
    }
}
