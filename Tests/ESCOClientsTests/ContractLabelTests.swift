import ESCOClients
import ESCOCore
import Foundation
import Testing

extension ContractTests {
    /// Issue 3's "done means": a label with `"`, `\`, a newline, `}`, a tab and a `"}} { Get`-style injection
    /// round-trips unchanged through create and batch, a GraphQL Equal filter finds exactly that object, and
    /// nearVector finds it first. Labels are published text: they must never break or alter a query.
    @Test func hostileLabelsRoundTripThroughCreateFilterAndNearVector() async throws {
        let hostile =
            "O'Brien \"quoted\" back\\slash\nnewline } brace\ttabbed \"}} { Get { Skill { conceptUri } } } #end"
        let batched = hostile + " \\\" batched"
        try await withContractWeaviate { client, target in
            try await withContractVectorizer { vectorizer, _ in
                try await target.ensureProductSchema(client)
                // Decoys differ from the hostile label by exactly one of its dangerous characters.
                let decoys = [
                    hostile.replacingOccurrences(of: "\"", with: ""), hostile.replacingOccurrences(of: "\\", with: ""),
                    hostile.replacingOccurrences(of: "\n", with: " "),
                    hostile.replacingOccurrences(of: "\t", with: " "),
                    hostile.replacingOccurrences(of: "}", with: ""),
                ]
                let decoyLabels = decoys.indices.map { "decoy number \($0) unrelated" }
                let vectors = try await vectorizer.vectorize([hostile, batched] + decoyLabels)
                func object(_ key: String, uri: String, label: String, vector: [Float]) -> WeaviateObject {
                    skillObject(
                        target, key, label: label, alt: [label], vector: vector, extra: ["conceptUri": .string(uri)])
                }
                let created = object("hostile", uri: hostile, label: hostile, vector: vectors[0])
                try await client.createObject(created)
                let viaBatch = object("batched", uri: batched, label: batched, vector: vectors[1])
                let others = decoys.enumerated().map { n, uri in
                    object("decoy\(n)", uri: uri, label: decoyLabels[n], vector: vectors[2 + n])
                }
                try await client.upsert([viaBatch] + others)

                for (object, text) in [(created, hostile), (viaBatch, batched)] {
                    let back = try #require(try await client.getObject(className: object.className, id: object.id))
                    #expect(back.properties["conceptUri"]?.stringValue == text)
                    #expect(back.properties["preferredLabel"]?.stringValue == text)
                    #expect(back.properties["altLabels"] == [.string(text)])

                    // Equal on the field-tokenised property: exactly this object, no decoy.
                    let exact = try await client.get(
                        GraphQLGet(
                            className: object.className, fields: ["conceptUri", "preferredLabel"], additional: .id,
                            filter: .equal(["conceptUri"], .text(text)), limit: 10))
                    #expect(exact.count == 1, "\(exact)")
                    #expect(exact.first?["_additional"]?["id"]?.stringValue == object.id)
                    #expect(exact.first?["preferredLabel"]?.stringValue == text)
                    #expect(exact.first?["conceptUri"]?.stringValue == text)

                    // nearVector with the label's own vector: this object first, unchanged.
                    let near = try await client.get(
                        GraphQLGet(
                            className: object.className, fields: ["preferredLabel"], additional: [.id, .distance],
                            limit: 3,
                            nearVector: object.vector))
                    #expect(near.first?["_additional"]?["id"]?.stringValue == object.id)
                    #expect(near.first?["preferredLabel"]?.stringValue == text)
                    #expect(abs(near.first?["_additional"]?["distance"]?.doubleValue ?? 1) < 1e-4)
                }
                // Equal on the word-tokenised label also works with the hostile text and skips the decoys.
                let words = try await client.get(
                    GraphQLGet(
                        className: created.className, fields: ["preferredLabel"], additional: .id,
                        filter: .equal(["preferredLabel"], .text(hostile)), limit: 10))
                #expect(Set(words.compactMap { $0["_additional"]?["id"]?.stringValue }) == [created.id, viaBatch.id])
                #expect(
                    try await client.aggregateCount(
                        className: created.className, where: .like(["conceptUri"], "*#end*"))
                        == 2 + decoys.count)
                #expect(try await client.aggregateCount(className: created.className) == 2 + decoys.count)
            }
        }
    }
}
