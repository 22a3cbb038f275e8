public import ESCOCore

/// What the pipeline needs from Weaviate. `WeaviateGateway` implements it over `WeaviateClient`;
/// keeping the pipeline behind this seam keeps it readable and lets unit tests run without HTTP.
public protocol WeaviateWriting: Sendable {
    /// Creates missing classes/properties; throws when an existing class is incompatible.
    func ensureSchema() async throws -> String
    /// Batch upsert; throws if any object still fails after retries (never a silent partial write).
    func upsert(className: String, objects: [WriteObject]) async throws
    func count(className: String) async throws -> Int
    /// Up to `limit` IDs of a class (cursor order).
    func listIDs(className: String, limit: Int) async throws -> [String]
    func delete(className: String, ids: [String]) async throws
    func fetch(className: String, id: String) async throws -> FetchedObject?
    /// IDs of the nearest objects of `className` to `vector`, nearest first.
    func nearest(className: String, vector: [Float], limit: Int) async throws -> [String]
}

public struct WriteObject: Sendable {
    public var id: String
    public var properties: [String: JSONValue]
    public var vector: [Float]?
    public init(id: String, properties: [String: JSONValue], vector: [Float]?) {
        self.id = id
        self.properties = properties
        self.vector = vector
    }
}

public struct FetchedObject: Sendable {
    public var properties: [String: JSONValue]
    public var vector: [Float]?
    public init(properties: [String: JSONValue], vector: [Float]?) {
        self.properties = properties
        self.vector = vector
    }

    /// Number of beacons in a reference property.
    public func referenceCount(_ property: String) -> Int { properties[property]?.arrayValue?.count ?? 0 }
}

/// The data generations of a store (docs/ARCHITECTURE.md#aliases). In-memory test stores need not implement it: the
/// runner then writes the one set of classes it is given.
public protocol GenerationStore: Sendable {
    /// The same store reading and writing generation `n`'s classes under their logical names.
    func generation(_ n: Int) -> any WeaviateWriting
    /// Points the stable names at generation `n` (idempotent); returns what it did, for the log.
    func publish(generation n: Int) async throws -> String
    /// Deletes generation `n`'s classes.
    func deleteGeneration(_ n: Int) async throws
}
