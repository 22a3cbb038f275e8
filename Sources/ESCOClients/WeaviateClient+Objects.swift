public import ESCOCore

extension WeaviateClient {
    private func objectPath(_ className: String, _ id: String) -> String {
        "/v1/objects/\(escapeComponent(className))/\(escapeComponent(id.lowercased()))"
    }

    /// `GET /v1/objects/{class}/{id}`; nil when it does not exist.
    public func getObject(className: String, id: String, includeVector: Bool = false) async throws -> WeaviateObject? {
        var query = consistencyQuery
        if includeVector { query.append(("include", "vector")) }
        let path = objectPath(className, id)
        let response = try await send("GET", path, query: query, expect: [200, 404])
        if response.status == 404 { return nil }
        guard let object = WeaviateObject(json: try decode(response.body, "GET", path)) else {
            throw WeaviateError(
                code: .decoding, baseURL: url, method: "GET", path: path,
                detail: "the object has no class or id")
        }
        return object
    }

    /// `HEAD /v1/objects/{class}/{id}`: 204 exists, 404 does not.
    public func objectExists(className: String, id: String) async throws -> Bool {
        let response = try await send(
            "HEAD", objectPath(className, id), query: consistencyQuery, expect: [200, 204, 404])
        return response.status != 404
    }

    /// `POST /v1/objects`. Throws `WeaviateError` with code `.alreadyExists` when the id exists (422). Note that
    /// Weaviate's existence check is not atomic: two concurrent creates can both succeed.
    public func createObject(_ object: WeaviateObject) async throws {
        do {
            _ = try await send("POST", "/v1/objects", query: consistencyQuery, body: object.json, expect: [200])
        } catch var error as WeaviateError
            where error.status == 422
            && (error.serverMessage ?? "").lowercased().contains("already exists")
        {
            error.code = .alreadyExists
            throw error
        }
    }

    /// `PUT /v1/objects/{class}/{id}`: replaces the whole object. Send the vector too: a PUT without a vector
    /// drops it when the vectorizer is `none`. Weaviate answers 500 for a missing object in 1.25-1.32.
    public func putObject(_ object: WeaviateObject) async throws {
        _ = try await send(
            "PUT", objectPath(object.className, object.id), query: consistencyQuery,
            body: object.json, expect: [200])
    }

    /// `PATCH /v1/objects/{class}/{id}`: merges `properties` into the stored object.
    public func patchObject(className: String, id: String, properties: [String: JSONValue], vector: [Float]? = nil)
        async throws
    {
        let object = WeaviateObject(className: className, id: id, properties: properties, vector: vector)
        _ = try await send(
            "PATCH", objectPath(className, id), query: consistencyQuery, body: object.json,
            expect: [200, 204])
    }

    /// `DELETE /v1/objects/{class}/{id}`: afterwards the object is gone. Weaviate 1.32 deletes without an existence
    /// check and answers 204 for a missing object too (usecases/objects/delete.go), so the answer cannot tell
    /// whether it existed; 404 (older servers) also means gone.
    public func deleteObject(className: String, id: String) async throws {
        _ = try await send("DELETE", objectPath(className, id), query: consistencyQuery, expect: [200, 204, 404])
    }

    /// `GET /v1/objects?class=C&limit=N&after=ID`: one page in id order; pass the last id as `after` for the next.
    public func listObjects(className: String, limit: Int = 100, after: String? = nil, includeVector: Bool = false)
        async throws -> [WeaviateObject]
    {
        var query = [("class", className), ("limit", String(limit))]
        if let after { query.append(("after", after.lowercased())) }
        if includeVector { query.append(("include", "vector")) }
        let body = try await json("GET", "/v1/objects", query: query, expect: [200])
        return (body["objects"]?.arrayValue ?? []).compactMap(WeaviateObject.init(json:))
    }
}
