public import ESCOClients
public import ESCOCore

/// One object found by a vector search, with its certainty (0...1; for cosine, `1 - distance / 2`).
public struct VectorHit: Sendable, Hashable {
    public var className: String
    public var id: String
    public var properties: [String: JSONValue]
    public var certainty: Double

    public init(className: String, id: String, properties: [String: JSONValue], certainty: Double) {
        self.className = className
        self.id = id
        self.properties = properties
        self.certainty = certainty
    }

    public func string(_ name: String) -> String? { properties[name]?.stringValue }
}

/// What search needs from the outside world. The real implementation is `WeaviateSearchBackend`; tests may
/// pass any other. Implementations throw `SearchError` (503 naming the service) when a service fails.
public protocol SearchBackend: Sendable {
    /// One vector per text, in order.
    func vectorize(_ texts: [String]) async throws -> [[Float]]
    /// Nearest objects of `className` to `vector`, best first, optionally restricted by `filter`.
    func nearVector(
        className: String, vector: [Float], filter: WhereFilter?, limit: Int, properties: [String]
    ) async throws -> [VectorHit]
    /// Objects of `className` matching `filter` with the given fields (references included), as Weaviate's
    /// GraphQL returns them.
    func objects(className: String, filter: WhereFilter, fields: [GraphQLField], limit: Int) async throws -> [JSONValue]
    /// The current ingestion state, or nil when none was ever written.
    func ingestionState() async throws -> IngestionState?
    /// This backend fixed to the data generation serving now, so that every call of one answer reads the same
    /// generation (docs/ARCHITECTURE.md#aliases). Backends without generations return themselves.
    func pinned() async throws -> any SearchBackend
    /// The data generation a pinned backend reads; nil for backends without generations (or not pinned).
    var dataGeneration: Int? { get }
}

extension SearchBackend {
    public func pinned() async throws -> any SearchBackend { self }
    public var dataGeneration: Int? { nil }
}
