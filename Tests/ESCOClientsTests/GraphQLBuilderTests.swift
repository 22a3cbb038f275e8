import ESCOClients
import GraphQL
import Testing

@Suite("GraphQL builder")
struct GraphQLBuilderTests {
    /// Parses `{ f(a: <literal>) }` with the GraphQL reference parser and returns the string it read back.
    func roundTrip(_ literal: String) throws -> String? {
        let doc = try GraphQL.parse(source: "{ f(a: \(literal)) }")
        let op = try #require(doc.definitions.first as? OperationDefinition)
        let field = try #require(op.selectionSet.selections.first as? Field)
        return (field.arguments.first?.value as? StringValue)?.value
    }

    @Test(arguments: [
        "plain", "quote \" inside", "back\\slash", "new\nline", "brace } and { and ) ", "tab\there",
        "cr\r\nlf", "bell\u{07} nul\u{00} esc\u{1B} del\u{7F}", "ünïcødé ✓ 🚀", "\"}) { Get { Skill { x } } } #",
        "\\\"", "",
    ])
    func escapingRoundTrips(_ label: String) throws {
        let literal = graphQLString(label)
        #expect(!literal.dropFirst().dropLast().contains("\n"))
        #expect(try roundTrip(literal) == label)
    }

    @Test func getQueryParsesAndCarriesEveryPart() throws {
        let evil = "a \"label\" with \\ and\nnewline }\t"
        let q = GraphQLGet(
            className: "Occupation",
            fields: ["conceptUri", "preferredLabel", .reference("essentialSkills", on: "Skill", ["conceptUri"])],
            additional: [.id, .distance, .vector],
            filter: .and([
                .equal(["preferredLabel"], .text(evil)), .greaterThan(["n"], .int(3)),
                .or([.like(["code"], "12*"), .containsAny(["altLabels"], ["x", "y\"z"])]),
                .equal(["flag"], .boolean(true)), .lessThan(["t"], .date("2024-01-01T00:00:00Z")),
            ]),
            sort: [.init(path: ["code"], ascending: false)], limit: 10, offset: 5,
            nearVector: [0.25, -1.5, 1e-7], similarity: .distance(0.3))
        let text = q.rendered
        _ = try GraphQL.parse(source: text)
        #expect(text.contains("essentialSkills { ... on Skill { conceptUri } }"))
        #expect(text.contains("_additional { id distance vector }"))
        #expect(text.contains("operator: And"))
        #expect(text.contains("valueText: \(graphQLString(evil))"))
        #expect(text.contains("valueInt: 3"))
        #expect(text.contains("valueBoolean: true"))
        #expect(text.contains("valueDate: \"2024-01-01T00:00:00Z\""))
        #expect(text.contains("nearVector: {vector: [0.25, -1.5, 1e-07], distance: 0.3}"))
        #expect(text.contains("sort: [{path: [\"code\"], order: desc}]"))
        #expect(text.contains("limit: 10, offset: 5"))
    }

    @Test func cursorAndAggregate() throws {
        let q = GraphQLGet(
            className: "Skill", fields: ["conceptUri"], additional: [.id], limit: 100,
            after: "9342d47a-1bab-5709-9869-c840b2eac501")
        _ = try GraphQL.parse(source: q.rendered)
        #expect(
            q.rendered
                == "{ Get { Skill(limit: 100, after: \"9342d47a-1bab-5709-9869-c840b2eac501\") { conceptUri _additional { id } } } }"
        )
        let a = GraphQLAggregate(className: "Skill", filter: .equal(["status"], .text("released")))
        _ = try GraphQL.parse(source: a.rendered)
        #expect(
            a.rendered
                == "{ Aggregate { Skill(where: {path: [\"status\"], operator: Equal, valueText: \"released\"}) { meta { count } } } }"
        )
    }
}
