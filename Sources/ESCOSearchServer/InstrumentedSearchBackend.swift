public import ESCOClients
public import ESCOCore
public import ESCOSearch

/// A `SearchBackend` that counts and times every call of the one it wraps (docs/OPERATIONS.md#metrics).
public struct InstrumentedSearchBackend: SearchBackend {
    public let base: any SearchBackend
    public let metrics: SearchMetrics

    public init(_ base: any SearchBackend, metrics: SearchMetrics) {
        self.base = base
        self.metrics = metrics
    }

    public func vectorize(_ texts: [String]) async throws -> [[Float]] {
        try await metrics.call(.vectorizer, "vectorize") { try await base.vectorize(texts) }
    }

    public func nearVector(
        className: String, vector: [Float], filter: WhereFilter?, limit: Int, properties: [String]
    ) async throws -> [VectorHit] {
        try await metrics.call(.weaviate, "near_vector") {
            try await base.nearVector(
                className: className, vector: vector, filter: filter, limit: limit, properties: properties)
        }
    }

    public func objects(className: String, filter: WhereFilter, fields: [GraphQLField], limit: Int) async throws
        -> [JSONValue]
    {
        try await metrics.call(.weaviate, "get_objects") {
            try await base.objects(className: className, filter: filter, fields: fields, limit: limit)
        }
    }

    public func ingestionState() async throws -> IngestionState? {
        try await metrics.call(.weaviate, "read_state") { try await base.ingestionState() }
    }

    public var dataGeneration: Int? { base.dataGeneration }

    public func pinned() async throws -> any SearchBackend {
        InstrumentedSearchBackend(
            try await metrics.call(.weaviate, "read_state") { try await base.pinned() }, metrics: metrics)
    }
}
