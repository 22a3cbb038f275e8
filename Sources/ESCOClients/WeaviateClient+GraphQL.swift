public import ESCOCore

extension WeaviateClient {
    /// `POST /v1/graphql`; returns `data`. GraphQL errors arrive as HTTP 200 with `errors[]`: they throw
    /// `WeaviateError` `.graphQL` carrying the messages. While the schema has no class at all, Weaviate answers 422
    /// "no graphql provider present" instead (`WeaviateError.isEmptySchema`).
    public func graphQL(_ query: String) async throws -> JSONValue {
        let body = try await json("POST", "/v1/graphql", body: ["query": .string(query)], expect: [200])
        let errors = body["errors"]?.arrayValue ?? []
        if !errors.isEmpty {
            throw WeaviateError(
                code: .graphQL, baseURL: url, method: "POST", path: "/v1/graphql",
                status: 200, serverMessages: errors.map { $0["message"]?.stringValue ?? "\($0)" })
        }
        return body["data"] ?? .null
    }

    /// Runs a `Get` query and returns the class's result objects.
    public func get(_ query: GraphQLGet) async throws -> [JSONValue] {
        let data = try await graphQL(query.rendered)
        return data["Get"]?[query.className]?.arrayValue ?? []
    }

    /// Number of objects of `className` matching `filter` (all when nil).
    public func aggregateCount(className: String, where filter: WhereFilter? = nil) async throws -> Int {
        let data = try await graphQL(GraphQLAggregate(className: className, filter: filter).rendered)
        guard let count = data["Aggregate"]?[className]?.arrayValue?.first?["meta"]?["count"]?.intValue else {
            throw WeaviateError(
                code: .decoding, baseURL: url, method: "POST", path: "/v1/graphql",
                detail: "no Aggregate.\(className)[0].meta.count in the response")
        }
        return count
    }
}

extension WeaviateError {
    /// Weaviate's answer to any GraphQL query while its schema has no class: HTTP 422 "no graphql provider present"
    /// (adapters/handlers/rest/handlers_graphql.go). The data is not ingested; waiting will not help.
    public var isEmptySchema: Bool {
        status == 422 && serverMessages.contains { $0.contains("no graphql provider present") }
    }

    /// The field and type of a GraphQL validation error `Cannot query field "F" on type "T".`: a class missing from
    /// the schema is a field of `GetObjectsObj` (or `AggregateObjectsObj`), a missing property a field of its class.
    public var unknownGraphQLField: (field: String, type: String)? {
        guard code == .graphQL else { return nil }
        for message in serverMessages {
            let parts = message.split(separator: "\"", omittingEmptySubsequences: false)
            if parts.count >= 5, parts[0].hasPrefix("Cannot query field "), parts[2] == " on type " {
                return (String(parts[1]), String(parts[3]))
            }
        }
        return nil
    }
}
