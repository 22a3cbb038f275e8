public import ESCOCore

extension WeaviateClient {
    /// `POST /v1/graphql`; returns `data`. GraphQL errors arrive as HTTP 200 with `errors[]`: they throw
    /// `WeaviateError` `.graphQL` carrying the messages.
    public func graphQL(_ query: String) async throws -> JSONValue {
        let body = try await json("POST", "/v1/graphql", body: ["query": .string(query)], expect: [200])
        let errors = body["errors"]?.arrayValue ?? []
        if !errors.isEmpty {
            throw WeaviateError(code: .graphQL, baseURL: url, method: "POST", path: "/v1/graphql",
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
            throw WeaviateError(code: .decoding, baseURL: url, method: "POST", path: "/v1/graphql",
                                detail: "no Aggregate.\(className)[0].meta.count in the response")
        }
        return count
    }
}
