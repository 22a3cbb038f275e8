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
    /// The data generation whose classes are read (`Skill_g<n>`); nil until `pinned()`, which reads the serving one.
    public var dataGeneration: Int?

    public init(
        weaviate: WeaviateClient, vectorizer: any TextVectorizing,
        stateReader: @escaping @Sendable () async throws -> IngestionState?, dataGeneration: Int? = nil
    ) {
        self.weaviate = weaviate
        self.vectorizer = vectorizer
        self.stateReader = stateReader
        self.dataGeneration = dataGeneration
    }

    /// Fixed to the generation the state says serves now (0, the plain class names, when none does: data written
    /// before generations, or nothing yet, which the queries then report as not ingested).
    public func pinned() async throws -> any SearchBackend {
        if dataGeneration != nil { return self }
        var copy = self
        copy.dataGeneration = try await ingestionState()?.generations.serving?.number ?? 0
        return copy
    }

    func physical(_ className: String) -> String {
        GenerationNaming.className(className, generation: dataGeneration ?? 0)
    }

    func physical(_ field: GraphQLField) -> GraphQLField {
        guard case .reference(let name, let targets) = field else { return field }
        return .reference(name, targets.map { (physical($0.className), $0.fields.map(physical)) })
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
            className: physical(className), fields: properties.map { .property($0) }, additional: [.id, .certainty],
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
        try await get(
            GraphQLGet(className: physical(className), fields: fields.map(physical), filter: filter, limit: limit))
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
        } catch let error as WeaviateError {
            throw Self.searchError(error, query: query, url: weaviate.url)
        }
    }

    /// What a failed query means to a caller: no data yet (run esco ingest), a schema that differs from ours
    /// (name the property), or a service problem (try later).
    static func searchError(_ error: WeaviateError, query: GraphQLGet, url: String) -> SearchError {
        let notIngested = " the data is not ingested; run esco ingest"
        if error.isEmptySchema {
            return SearchError(
                code: .notReady, status: 503, message: "Weaviate at \(url) has no classes:" + notIngested)
        }
        if let (field, type) = error.unknownGraphQLField {
            if type == "GetObjectsObj" || type == "AggregateObjectsObj" {
                return SearchError(
                    code: .notReady, status: 503, message: "Weaviate at \(url) has no \(field) class:" + notIngested)
            }
            return SearchError(
                code: .schemaMismatch, status: 503,
                message: "Weaviate at \(url): class \(type) has no property \"\(field)\" (queried for "
                    + "\(query.className)): the schema differs from resources/schemas (made by another esco-stack "
                    + "version, or changed by hand); run esco ingest to add missing properties, or compare "
                    + "GET /v1/schema with resources/schemas")
        }
        return SearchError.unavailable("\(error); try later")
    }
}
