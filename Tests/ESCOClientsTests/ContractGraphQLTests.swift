import ESCOClients
import ESCOCore
import Foundation
import Testing

/// Six skills with known labels, vectors and references, for the GraphQL tests.
struct GraphQLFixture {
    let target: ContractWeaviate
    let objects: [String: WeaviateObject]
    var skill: String { target.name("Skill") }

    static let rows: [(key: String, label: String, alt: [String], status: String)] = [
        ("s1", "python programming", ["scripting", "coding"], "released"),
        ("s2", "java programming", ["coding"], "released"),
        ("s3", "spreadsheet software", ["spreadsheets", "excel"], "released"),
        ("s4", "team leadership", ["managing teams"], "released"),
        ("s5", "welding", [], "obsolete"),
        ("s10", "python testing", ["pytest"], "released"),
    ]

    static func write(_ client: WeaviateClient, _ target: ContractWeaviate) async throws -> GraphQLFixture {
        try await target.ensureProductSchema(client)
        var objects: [String: WeaviateObject] = [:]
        for (n, row) in rows.enumerated() {
            objects[row.key] = skillObject(
                target, row.key, label: row.label, alt: row.alt,
                vector: contractVector(n * 3 + 1), extra: ["status": .string(row.status)])
        }
        // s1 → s2, s3 (in that order), written as beacons with the object, as the product does.
        objects["s1"]!.properties["broaderSkills"] = Beacon.references(
            [objects["s2"]!, objects["s3"]!].map { ($0.className, $0.id) })
        // Targets first: Weaviate fails a batch item whose beacon points at an object not yet stored, even one in
        // the same batch (usecases/objects/validation/properties_validation.go).
        try await client.upsert(rows.filter { $0.key != "s1" }.map { objects[$0.key]! })
        try await client.upsert([objects["s1"]!])
        return GraphQLFixture(target: target, objects: objects)
    }

    func uri(_ key: String) -> String { objects[key]!.properties["conceptUri"]!.stringValue! }

    /// The fixture keys of the rows a query returned (via their conceptUri).
    func keys(_ rows: [JSONValue]) -> [String] {
        rows.compactMap { row in objects.first { $0.value.properties["conceptUri"] == row["conceptUri"] }?.key }
    }

    func query(_ client: WeaviateClient, _ filter: WhereFilter) async throws -> Set<String> {
        Set(
            keys(try await client.get(GraphQLGet(className: skill, fields: ["conceptUri"], filter: filter, limit: 100)))
        )
    }
}

extension ContractTests {
    @Test func whereFiltersEqualAndOrLikeContainsAny() async throws {
        try await withContractWeaviate { client, target in
            let f = try await GraphQLFixture.write(client, target)
            // `field` tokenisation: the whole value, exactly.
            #expect(try await f.query(client, .equal(["conceptUri"], .text(f.uri("s1")))) == ["s1"])
            #expect(try await f.query(client, .equal(["conceptUri"], .text("s1"))) == [])
            // `word` tokenisation: every token of the value.
            #expect(try await f.query(client, .equal(["preferredLabel"], .text("python"))) == ["s1", "s10"])
            #expect(try await f.query(client, .equal(["preferredLabel"], .text("Python Programming"))) == ["s1"])
            #expect(try await f.query(client, .notEqual(["status"], .text("released"))) == ["s5"])
            #expect(
                try await f.query(
                    client,
                    .and([
                        .equal(["preferredLabel"], .text("programming")), .containsAny(["altLabels"], ["scripting"]),
                    ])) == ["s1"])
            #expect(
                try await f.query(
                    client,
                    .or([
                        .equal(["conceptUri"], .text(f.uri("s4"))), .equal(["status"], .text("obsolete")),
                    ])) == ["s4", "s5"])
            #expect(try await f.query(client, .like(["conceptUri"], "*skill/s1*")) == ["s1", "s10"])
            #expect(try await f.query(client, .like(["conceptUri"], "*skill/s?")) == ["s1", "s2", "s3", "s4", "s5"])
            #expect(try await f.query(client, .containsAny(["altLabels"], ["excel", "pytest"])) == ["s3", "s10"])
            #expect(try await f.query(client, .containsAny(["altLabels"], ["teams"])) == ["s4"])
        }
    }

    @Test func sortLimitOffsetAndTheAfterCursor() async throws {
        try await withContractWeaviate { client, target in
            let f = try await GraphQLFixture.write(client, target)
            let labels = GraphQLFixture.rows.map(\.label).sorted()
            func byLabel(ascending: Bool, limit: Int, offset: Int? = nil) async throws -> [String] {
                try await client.get(
                    GraphQLGet(
                        className: f.skill, fields: ["preferredLabel"],
                        sort: [.init(path: ["preferredLabel"], ascending: ascending)],
                        limit: limit, offset: offset)
                ).compactMap { $0["preferredLabel"]?.stringValue }
            }
            #expect(try await byLabel(ascending: true, limit: 10) == labels)
            #expect(try await byLabel(ascending: true, limit: 3, offset: 1) == Array(labels[1...3]))
            #expect(try await byLabel(ascending: false, limit: 2) == [labels[5], labels[4]])

            let ids = f.objects.values.map(\.id).sorted()
            func page(after: String?, limit: Int) async throws -> [String] {
                try await client.get(
                    GraphQLGet(className: f.skill, fields: [], additional: .id, limit: limit, after: after)
                )
                .compactMap { $0["_additional"]?["id"]?.stringValue }
            }
            #expect(try await page(after: ids[1], limit: 2) == Array(ids[2...3]))
            #expect(try await page(after: ids[4], limit: 10) == [ids[5]])
            #expect(try await page(after: ids[5], limit: 10) == [])
        }
    }

    @Test func nearVectorOrdersByDistanceWithCertaintyAndDistanceThresholds() async throws {
        try await withContractWeaviate { client, target in
            let f = try await GraphQLFixture.write(client, target)
            let probe = f.objects["s1"]!.vector!
            // Expected cosine distances, computed here.
            let expected = f.objects.mapValues { cosine(probe, $0.vector!) }
            let order = expected.sorted { $0.value < $1.value }.map(\.key)
            func search(_ similarity: GraphQLGet.Similarity?) async throws -> [JSONValue] {
                try await client.get(
                    GraphQLGet(
                        className: f.skill, fields: ["conceptUri"], additional: [.id, .distance, .certainty],
                        limit: 100,
                        nearVector: probe, similarity: similarity))
            }
            let all = try await search(nil)
            #expect(f.keys(all) == order)
            let distances = all.compactMap { $0["_additional"]?["distance"]?.doubleValue }
            #expect(distances.count == 6 && distances == distances.sorted())
            #expect(abs(distances[0]) < 1e-5, "the probe's own object comes first at distance 0")
            for (row, key) in zip(all, f.keys(all)) {
                let d = try #require(row["_additional"]?["distance"]?.doubleValue)
                let c = try #require(row["_additional"]?["certainty"]?.doubleValue)
                #expect(abs(d - expected[key]!) < 1e-4, "\(key): distance \(d), expected \(expected[key]!)")
                #expect(abs(c - (1 - d / 2)) < 1e-5, "cosine certainty = 1 - distance/2")
            }
            // Thresholds half-way between neighbours, so float rounding cannot move an object across.
            let cut = (distances[2] + distances[3]) / 2
            #expect(f.keys(try await search(.distance(cut))) == Array(order.prefix(3)))
            #expect(f.keys(try await search(.certainty(1 - cut / 2))) == Array(order.prefix(3)))
        }
    }

    @Test func nestedReferenceSelectionAndAggregateCounts() async throws {
        try await withContractWeaviate { client, target in
            let f = try await GraphQLFixture.write(client, target)
            let rows = try await client.get(
                GraphQLGet(
                    className: f.skill,
                    fields: [
                        "conceptUri", .reference("broaderSkills", on: f.skill, ["conceptUri", "preferredLabel"]),
                    ],
                    filter: .equal(["conceptUri"], .text(f.uri("s1"))), limit: 10))
            #expect(rows.count == 1)
            let broader = rows.first?["broaderSkills"]?.arrayValue ?? []
            #expect(broader.compactMap { $0["conceptUri"]?.stringValue } == [f.uri("s2"), f.uri("s3")])
            #expect(broader.first?["preferredLabel"] == "java programming")

            #expect(try await client.aggregateCount(className: f.skill) == 6)
            #expect(
                try await client.aggregateCount(className: f.skill, where: .equal(["status"], .text("obsolete"))) == 1)
            #expect(
                try await client.aggregateCount(className: f.skill, where: .equal(["preferredLabel"], .text("python")))
                    == 2)
            #expect(try await client.aggregateCount(className: target.name("Occupation")) == 0)
        }
    }

    @Test func graphQLErrorsSurfaceAsWeaviateErrorGraphQL() async throws {
        try await withContractWeaviate { client, target in
            let f = try await GraphQLFixture.write(client, target)
            let unknownClass = try #require(
                await contractError {
                    _ = try await client.get(
                        GraphQLGet(className: target.name("NoSuchClass"), fields: ["conceptUri"], limit: 1))
                })
            #expect(unknownClass.code == .graphQL && unknownClass.status == 200)
            #expect(unknownClass.serverMessage?.contains(target.name("NoSuchClass")) == true, "\(unknownClass)")
            #expect(unknownClass.description.contains("GraphQL query failed"))

            let unknownProperty = try #require(
                await contractError {
                    _ = try await client.get(GraphQLGet(className: f.skill, fields: ["noSuchProperty"], limit: 1))
                })
            #expect(unknownProperty.code == .graphQL)
            #expect(unknownProperty.serverMessage?.contains("noSuchProperty") == true, "\(unknownProperty)")

            let syntax = try #require(
                await contractError { _ = try await client.graphQL("{ Get { \(f.skill) { conceptUri ") })
            #expect(syntax.code == .graphQL)
            #expect(!(syntax.serverMessage ?? "").isEmpty)
            // A failed query changes nothing: the next one works.
            #expect(try await client.aggregateCount(className: f.skill) == 6)
        }
    }
}

/// Cosine distance in double precision.
func cosine(_ a: [Float], _ b: [Float]) -> Double {
    var dot = 0.0, na = 0.0, nb = 0.0
    for (x, y) in zip(a, b) {
        dot += Double(x) * Double(y)
        na += Double(x) * Double(x)
        nb += Double(y) * Double(y)
    }
    return 1 - dot / (na.squareRoot() * nb.squareRoot())
}
