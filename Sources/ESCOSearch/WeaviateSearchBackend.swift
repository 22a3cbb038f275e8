public import ESCOClients
public import ESCOCore

/// `SearchBackend` over the Weaviate client and the vectorizer. Every failure of either service becomes a
/// `SearchError` 503 whose message names the service and its URL.
public struct WeaviateSearchBackend: SearchBackend {
    public let weaviate: WeaviateClient
    public let vectorizer: any TextVectorizing
    /// Reads the ingestion state (ESCOIngestion's `StateStore.read`); injected so this module stays
    /// independent of the ingestion pipeline.
    public let stateReader: @Sendable () async throws -> IngestionState?

    public init(
        weaviate: WeaviateClient, vectorizer: any TextVectorizing,
        stateReader: @escaping @Sendable () async throws -> IngestionState?
    ) {
        self.weaviate = weaviate
        self.vectorizer = vectorizer
        self.stateReader = stateReader
    }

    public func vectorize(_ texts: [String]) async throws -> [[Float]] {
        do {
            return try await vectorizer.vectorize(texts)
        } catch let error as VectorizerError {
            throw SearchError.unavailable("the vectorizer is unavailable, try later: \(error)")
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw SearchError.unavailable("the vectorizer is unavailable, try later: \(error)")
        }
    }

    public func nearVector(
        className: String, vector: [Float], filter: WhereFilter?, limit: Int, properties: [String]
    ) async throws -> [VectorHit] {
        let query = GraphQLGet(
            className: className, fields: properties.map { .property($0) }, additional: [.id, .certainty],
            filter: filter, limit: limit, nearVector: vector)
        let rows = try await get(query)
        return rows.compactMap { row in
            guard let id = row["_additional"]?["id"]?.stringValue,
                let certainty = row["_additional"]?["certainty"]?.doubleValue
            else { return nil }
            var props = row.objectValue ?? [:]
            props["_additional"] = nil
            return VectorHit(className: className, id: id, properties: props, certainty: certainty)
        }
    }

    public func objects(className: String, filter: WhereFilter, fields: [GraphQLField], limit: Int) async throws
        -> [JSONValue]
    {
        try await get(GraphQLGet(className: className, fields: fields, filter: filter, limit: limit))
    }

    public func ingestionState() async throws -> IngestionState? {
        do {
            return try await stateReader()
        } catch let error as WeaviateError {
            throw SearchError.unavailable("cannot read the ingestion state: \(error)")
        }
    }

    private func get(_ query: GraphQLGet) async throws -> [JSONValue] {
        do {
            return try await weaviate.get(query)
        } catch let error as WeaviateError where error.code == .graphQL {
            // A missing class means nothing was ingested yet: the same 503 as an unfinished ingestion.
            let missing = (error.serverMessage ?? "").contains("Cannot query field")
            throw SearchError(
                code: missing ? .notReady : .unavailable, status: 503,
                message: missing
                    ? "Weaviate at \(weaviate.url) has no \(query.className) class: the data is not ingested; run esco ingest"
                    : "\(error)")
        } catch let error as WeaviateError {
            throw SearchError.unavailable("\(error); try later")
        }
    }
}
