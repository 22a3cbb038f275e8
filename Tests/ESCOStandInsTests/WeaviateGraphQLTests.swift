import ESCOStandIns
import Foundation
import TestSupport
import Testing

@Suite("Weaviate stand-in GraphQL")
struct WeaviateGraphQLTests {
    static let tricky = "say \"hi\" \\ back\nslash } end"

    func seed(_ url: String) throws {
        try call(url, "POST", "/v1/schema", skillClass)
        try call(
            url, "POST", "/v1/batch/objects",
            [
                "objects": [
                    skill(
                        1, label: "manage staff", vector: [1, 0, 0],
                        extra: ["code": "S 1", "altLabels": ["lead people", "supervise"]]),
                    skill(2, label: "manage budgets", vector: [0.8, 0.6, 0], extra: ["code": "S2"]),
                    skill(3, label: Self.tricky, vector: [0, 0, 1], extra: ["code": "S3"]),
                    skill(4, label: "no vector", vector: nil, extra: ["code": "S4"]),
                ]
            ])
        try call(
            url, "POST", "/v1/batch/references",
            [
                [
                    "from": "weaviate://localhost/Skill/\(id(1))/broaderSkills",
                    "to": "weaviate://localhost/Skill/\(id(2))",
                ]
            ])
    }

    @Test func whereFilters() async throws {
        try await withWeaviateStandIn { (url: String) async throws in
            try seed(url)
            func ids(_ whereArg: String) throws -> [String] {
                let r = try graphql(url, "{ Get { Skill(where: \(whereArg)) { _additional { id } } } }")
                #expect(r["errors"] == nil, "\(r)")
                return getRows(r, "Skill").map { dict($0["_additional"])["id"] as? String ?? "" }
            }
            #expect(try ids("{path: [\"code\"], operator: Equal, valueText: \"S 1\"}") == [id(1)])
            #expect(try ids("{path: [\"code\"], operator: Equal, valueText: \"S\"}") == [])
            #expect(try ids("{path: [\"preferredLabel\"], operator: Equal, valueText: \"MANAGE\"}") == [id(1), id(2)])
            #expect(try ids("{path: [\"altLabels\"], operator: Equal, valueText: \"supervise\"}") == [id(1)])
            #expect(try ids("{path: [\"id\"], operator: Equal, valueText: \"\(id(2))\"}") == [id(2)])
            #expect(try ids("{path: [\"rank\"], operator: GreaterThanEqual, valueInt: 3}") == [id(3), id(4)])
            #expect(try ids("{path: [\"code\"], operator: NotEqual, valueText: \"S2\"}") == [id(1), id(3), id(4)])
            #expect(try ids("{path: [\"preferredLabel\"], operator: Like, valueText: \"budg*\"}") == [id(2)])
            #expect(
                try ids("{path: [\"code\"], operator: ContainsAny, valueText: [\"S2\", \"S4\"]}") == [id(2), id(4)])
            #expect(try ids("{path: [\"altLabels\"], operator: IsNull, valueBoolean: true}") == [id(2), id(3), id(4)])
            #expect(
                try ids(
                    "{operator: Or, operands: [{path: [\"code\"], operator: Equal, valueText: \"S2\"}, {path: [\"rank\"], operator: LessThan, valueInt: 2}]}"
                )
                    == [id(1), id(2)])
            #expect(
                try ids("{path: [\"broaderSkills\", \"Skill\", \"code\"], operator: Equal, valueText: \"S2\"}") == [
                    id(1)
                ])
            // The tricky label, escaped, is found exactly (field-by-word equality on all its words).
            #expect(
                try ids("{path: [\"preferredLabel\"], operator: Equal, valueText: \(graphQLString(Self.tricky))}") == [
                    id(3)
                ])
            // The same via a variable.
            let r = try graphql(
                url, "query Q($w: WhereFilter) { Get { Skill(where: $w) { preferredLabel } } }",
                variables: ["w": ["path": ["code"], "operator": "Equal", "valueText": "S3"]])
            #expect(getRows(r, "Skill").first?["preferredLabel"] as? String == Self.tricky)
        }
    }

    @Test func nearVectorOrderingThresholdsAndReferences() async throws {
        try await withWeaviateStandIn { (url: String) async throws in
            try seed(url)
            let r = try graphql(
                url,
                "{ Get { Skill(nearVector: {vector: [1, 0.1, 0]}, limit: 5) { code preferredLabel broaderSkills { ... on Skill { code _additional { id } } } _additional { id distance certainty vector creationTimeUnix } } } }"
            )
            let rows = getRows(r, "Skill")
            #expect(rows.map { $0["code"] as? String } == ["S 1", "S2", "S3"])  // S4 has no vector
            let d = rows.map { dict($0["_additional"])["distance"] as? Double ?? -1 }
            #expect(d == d.sorted())
            let c = dict(rows[0]["_additional"])["certainty"] as? Double ?? 0
            #expect(abs(c - (1 - d[0] / 2)) < 1e-6)
            #expect((dict(rows[0]["_additional"])["vector"] as? [Double]) == [1, 0, 0])
            #expect(dict(rows[0]["_additional"])["creationTimeUnix"] is String)
            let broader = list(rows[0]["broaderSkills"]).map(dict)
            #expect(broader.first?["code"] as? String == "S2")
            #expect(dict(broader.first?["_additional"])["id"] as? String == id(2))

            let close = try graphql(url, "{ Get { Skill(nearVector: {vector: [1, 0, 0], certainty: 0.85}) { code } } }")
            #expect(getRows(close, "Skill").map { $0["code"] as? String } == ["S 1", "S2"])
            let dist = try graphql(url, "{ Get { Skill(nearVector: {vector: [1, 0, 0], distance: 0.1}) { code } } }")
            #expect(getRows(dist, "Skill").map { $0["code"] as? String } == ["S 1"])
            // The tricky label is found by its vector too.
            let tricky = try graphql(
                url, "{ Get { Skill(nearVector: {vector: [0, 0, 1]}, limit: 1) { preferredLabel } } }")
            #expect(getRows(tricky, "Skill").first?["preferredLabel"] as? String == Self.tricky)
        }
    }

    @Test func paginationSortAndAggregate() async throws {
        try await withWeaviateStandIn { (url: String) async throws in
            try call(url, "POST", "/v1/schema", skillClass)
            try call(url, "POST", "/v1/batch/objects", ["objects": (1...15).map { skill($0, label: "s") }])
            // No limit, offset or autocut: QUERY_DEFAULTS_LIMIT_GRAPHQL (100); an offset alone: QUERY_DEFAULTS_LIMIT.
            #expect(getRows(try graphql(url, "{ Get { Skill { rank } } }"), "Skill").count == 15)
            #expect(getRows(try graphql(url, "{ Get { Skill(offset: 1) { rank } } }"), "Skill").count == 10)
            let page = getRows(
                try graphql(
                    url, "{ Get { Skill(limit: 3, offset: 2, sort: [{path: [\"rank\"], order: desc}]) { rank } } }"),
                "Skill")
            #expect(page.map { $0["rank"] as? Int } == [13, 12, 11])
            let after = getRows(try graphql(url, "{ Get { Skill(limit: 2, after: \"\(id(14))\") { rank } } }"), "Skill")
            #expect(after.map { $0["rank"] as? Int } == [15])
            let agg = try graphql(
                url,
                "{ Aggregate { Skill(where: {path: [\"rank\"], operator: LessThan, valueInt: 5}) { meta { count } } } }"
            )
            let count = dict(list(dict(dict(agg["data"])["Aggregate"])["Skill"]).first)
            #expect(dict(count["meta"])["count"] as? Int == 4)
        }
    }

    @Test func errorsComeBackAs200WithErrors() async throws {
        try await withWeaviateStandIn { (url: String) async throws in
            try call(url, "POST", "/v1/schema", skillClass)
            let syntax = try graphql(url, "{ Get { Skill( { code } }")
            #expect(!list(syntax["errors"]).isEmpty)
            #expect(dict(list(syntax["errors"]).first)["locations"] != nil)
            let unknown = try graphql(url, "{ Get { Nope { code } } }")
            #expect((dict(list(unknown["errors"]).first)["message"] as? String)?.contains("Nope") == true)
            let badProp = try graphql(url, "{ Get { Skill { nope } } }")
            #expect(!list(badProp["errors"]).isEmpty)
            let badArg = try graphql(url, "{ Get { Skill(bogus: 1) { code } } }")
            #expect(!list(badArg["errors"]).isEmpty)
            let badOp = try graphql(
                url, "{ Get { Skill(where: {path: [\"code\"], operator: Sideways, valueText: \"x\"}) { code } } }")
            #expect(!list(badOp["errors"]).isEmpty)
            #expect(dict(dict(badOp["data"])["Get"])["Skill"] is NSNull)
        }
    }
}
