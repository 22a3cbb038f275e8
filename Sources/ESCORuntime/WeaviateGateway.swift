public import ESCOClients
public import ESCOCore

/// `WeaviateWriting` and `MetadataBackend` over the real `WeaviateClient`.
public struct WeaviateGateway: WeaviateWriting, MetadataBackend {
    public let client: WeaviateClient
    public let schemaDirectory: String
    /// The data generation whose classes this gateway reads and writes (`Skill_g<n>`), under their logical names;
    /// nil: none, only the state's `Metadata` class (docs/ARCHITECTURE.md#aliases).
    public var dataGeneration: Int?

    public init(client: WeaviateClient, schemaDirectory: String, dataGeneration: Int? = nil) {
        self.client = client
        self.schemaDirectory = schemaDirectory
        self.dataGeneration = dataGeneration
    }

    /// Creates `Metadata`, and with a data generation that generation's classes.
    public func ensureSchema() async throws -> String {
        let report = try await client.ensureSchema(try classDefinitions())
        if !report.changed { return "schema up to date" }
        return "created \(report.createdClasses.count) classes, added \(report.addedProperties.count) properties"
    }

    public func upsert(className: String, objects: [WriteObject]) async throws {
        try await client.upsert(
            objects.map {
                WeaviateObject(
                    className: physical(className), id: $0.id, properties: inGeneration($0.properties),
                    vector: $0.vector)
            })
    }

    public func count(className: String) async throws -> Int {
        try await client.aggregateCount(className: physical(className))
    }

    /// Cursor pagination over `_additional { id }`: a few requests even for 150k label objects.
    public func listIDs(className: String, limit: Int) async throws -> [String] {
        var ids: [String] = []
        var after: String?
        while ids.count < limit {
            let page = min(5_000, limit - ids.count)
            let rows = try await client.get(
                GraphQLGet(className: physical(className), fields: [], additional: [.id], limit: page, after: after))
            let got = rows.compactMap { $0["_additional"]?["id"]?.stringValue }
            ids += got
            guard got.count == page, let last = got.last else { break }
            after = last
        }
        return ids
    }

    public func delete(className: String, ids: [String]) async throws {
        for id in ids { try await client.deleteObject(className: physical(className), id: id) }
    }

    public func fetch(className: String, id: String) async throws -> FetchedObject? {
        try await client.getObject(className: physical(className), id: id, includeVector: true).map {
            FetchedObject(properties: $0.properties, vector: $0.vector)
        }
    }

    public func nearest(className: String, vector: [Float], limit: Int) async throws -> [String] {
        let rows = try await client.get(
            GraphQLGet(
                className: physical(className), fields: [], additional: [.id, .distance], limit: limit,
                nearVector: vector))
        return rows.compactMap { $0["_additional"]?["id"]?.stringValue }
    }

    // MARK: MetadataBackend

    public func readMetadata(id: String) async throws -> [String: JSONValue]? {
        try await client.getObject(className: "Metadata", id: id)?.properties
    }

    public func upsertMetadata(id: String, properties: [String: JSONValue]) async throws {
        try await client.upsert([WeaviateObject(className: "Metadata", id: id, properties: properties, vector: nil)])
    }

    /// Sorted by the server on the numbers the state store writes, never by timestamps, and bounded by `limit`:
    /// an unsorted read comes back in storage order, and QUERY_MAXIMUM_RESULTS caps how many one query may return.
    public func listEvents(limit: Int) async throws -> [[String: JSONValue]] {
        let rows = try await client.get(
            GraphQLGet(
                className: "Metadata",
                fields: [
                    "metaType", "status", "timestamp", "runId", "holder", "generation", "sequence", "step", "stepIndex",
                    "stepCount", "error", "details", "heartbeatAt", "startedAt", "endedAt", "fingerprint",
                ],
                filter: Self.events,
                sort: [.init(path: ["generation"], ascending: false), .init(path: ["sequence"], ascending: false)],
                limit: limit))
        return rows.compactMap(\.objectValue)
    }

    public func deleteEvents(generationBelow generation: Int) async throws -> Int {
        let filter = WhereFilter.and([Self.events, .lessThan(["generation"], .int(generation))])
        var deleted = 0
        // Re-query until nothing matches: deleted events drop out of the filter. No limit is sent: each page is the
        // server's default (QUERY_DEFAULTS_LIMIT_GRAPHQL, 100), so the product needs no guess of the server's
        // QUERY_MAXIMUM_RESULTS. Bounded, so a delete that does not take cannot loop forever; the next claim prunes
        // the rest.
        for _ in 0..<Self.maxDeletePages {
            let rows = try await client.get(
                GraphQLGet(className: "Metadata", fields: [], additional: [.id], filter: filter))
            let ids = rows.compactMap { $0["_additional"]?["id"]?.stringValue }
            if ids.isEmpty { break }
            for id in ids { try await client.deleteObject(className: "Metadata", id: id) }
            deleted += ids.count
        }
        return deleted
    }

    static let maxDeletePages = 100
    static let events = WhereFilter.equal(["metaType"], .text("ingestion_event"))
}
