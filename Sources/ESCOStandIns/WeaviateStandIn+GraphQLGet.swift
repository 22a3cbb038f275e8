import ESCOCore
import Foundation
import GraphQL

/// Weaviate's query limits, read from its environment (usecases/config/environment.go, config_handler.go).
public struct QueryLimits: Sendable {
    /// QUERY_DEFAULTS_LIMIT (10): the page size when `offset` is given without `limit`.
    public var defaultsLimit: Int
    /// QUERY_DEFAULTS_LIMIT_GRAPHQL (100): the page size of a `Get` with none of limit, offset, autocut.
    public var defaultsLimitGraphQL: Int
    /// QUERY_MAXIMUM_RESULTS (10,000): `offset + limit` above it is an error; a search by distance stops there.
    public var maximumResults: Int

    public init(defaultsLimit: Int = 10, defaultsLimitGraphQL: Int = 100, maximumResults: Int = 10_000) {
        self.defaultsLimit = defaultsLimit
        self.defaultsLimitGraphQL = defaultsLimitGraphQL
        self.maximumResults = maximumResults
    }
}

/// The window a `Get` returns, decided as Weaviate 1.32.2 does (entities/filters/pagination.go,
/// usecases/traverser/explorer.go `GetClass`, adapters/repos/db/search.go `getTotalLimit`,
/// adapters/handlers/graphql/local/get/class_builder_fields.go `setLimitBasedOnVectorSearchParams`).
struct GetWindow: Equatable {
    var offset: Int
    /// nil: a vector search by distance or certainty without a limit (all matches up to maximumResults).
    var limit: Int?

    init(args: [String: JSONValue], byDistance: Bool, limits: QueryLimits) throws {
        let given = args["limit"]?.intValue
        let offset = args["offset"]?.intValue ?? 0
        let paginated = args["limit"] != nil || args["offset"] != nil || args["autocut"] != nil
        self.offset = offset
        if let given, given >= 0 {
            limit = given
        } else if byDistance {
            limit = nil
        } else {
            limit = paginated ? limits.defaultsLimit : limits.defaultsLimitGraphQL
        }
        if let limit {
            if offset + limit == 0 { throw GQLFailure("invalid pagination params: invalid default limit: \(limit)") }
            if offset + limit > limits.maximumResults {
                throw GQLFailure("invalid pagination params: query maximum results exceeded")
            }
        }
    }
}

/// A validated `sort` clause (entities/filters/sort_validator.go).
struct SortClause {
    var property: String
    var descending: Bool
    var dataType: String

    static func parse(_ v: JSONValue, className: String, _ s: WeaviateStore) throws -> [SortClause] {
        let clauses = v.arrayValue ?? [v]
        if clauses.isEmpty { throw GQLFailure("invalid 'sort' parameter: empty sort") }
        var errors: [String] = []
        var out: [SortClause] = []
        for (i, c) in clauses.enumerated() {
            let path = c["path"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let order = c["order"]?.stringValue ?? ""
            func fail(_ m: String) { errors.append("sort parameter at position \(i): \(m)") }
            if !order.isEmpty, order != "asc", order != "desc" {
                fail("invalid order parameter, possible values are: [\"asc\", \"desc\"] not: \"\(order)\"")
                continue
            }
            guard path.count == 1 else {
                fail(
                    path.isEmpty
                        ? "path parameter cannot be empty"
                        : "sorting by reference not supported, path must have exactly one argument")
                continue
            }
            let name = path[0]
            if ["id", "_id", "_creationTimeUnix", "_lastUpdateTimeUnix"].contains(name) {
                out.append(SortClause(property: name, descending: order == "desc", dataType: "internal"))
                continue
            }
            guard let def = s.property(className, name),
                let dt = def["dataType"]?.arrayValue?.first?.stringValue
            else {
                fail(
                    "no such prop with name '\(name)' found in class '\(className)' in the schema. Check your schema "
                        + "files for which properties in this class are available")
                continue
            }
            if dt == "uuid" || dt == "uuid[]" {
                fail("prop \"\(name)\" is of type uuid/uuid[]: sorting by uuid is currently not supported")
            } else if !primitiveDataTypes.contains(dt) {
                fail("sorting by reference not supported, property \"\(name)\" is a ref prop to the class \"\(dt)\"")
            } else {
                out.append(SortClause(property: name, descending: order == "desc", dataType: dt))
            }
        }
        if !errors.isEmpty { throw GQLFailure("invalid 'sort' parameter: " + errors.joined(separator: ", ")) }
        return out
    }

    func value(_ o: StoredObject) -> JSONValue {
        switch property {
        case "id", "_id": .string(o.id)
        case "_creationTimeUnix": .number(Double(o.created))
        case "_lastUpdateTimeUnix": .number(Double(o.updated))
        default: o.properties[property] ?? .null
        }
    }

    /// Weaviate's comparators (adapters/repos/db/sorter/basic_comparators.go): text compares case-insensitively,
    /// numbers numerically, dates as instants, and a missing value sorts as the smallest.
    static func inOrder(_ a: StoredObject, _ b: StoredObject, _ clauses: [SortClause]) -> Bool {
        for c in clauses {
            let (va, vb) = (c.value(a), c.value(b))
            if va.isNull || vb.isNull {
                if va.isNull == vb.isNull { continue }
                return va.isNull != c.descending
            }
            let r: ComparisonResult?
            if let x = va.stringValue, let y = vb.stringValue, !c.dataType.hasPrefix("date") {
                let (lx, ly) = (x.lowercased(), y.lowercased())
                r = lx == ly ? .orderedSame : (lx < ly ? .orderedAscending : .orderedDescending)
            } else {
                r = WhereFilter.order(va, vb, c.dataType)
            }
            guard let r, r != .orderedSame else { continue }
            return (r == .orderedAscending) != c.descending
        }
        return a.id < b.id
    }
}

extension GQLContext {
    static let getArguments: Set<String> = [
        "where", "limit", "offset", "after", "sort", "nearVector", "autocut", "consistencyLevel",
    ]

    func get(_ field: Field, _ s: inout WeaviateStore) throws -> JSONValue {
        let className = try classExists(field, s, type: "GetObjectsObj")
        let args = try arguments(field, allowed: Self.getArguments, type: "GetObjectsObj")
        try validateSelections(className, field.selectionSet?.selections ?? [], s)
        // Weaviate's order: where (traverser_get.go), then sort and cursor (explorer.go), then the window (db).
        let filter = try args["where"].map { try WhereFilter.parse($0).validated(className: className, s) }
        let sort = try args["sort"].map { try SortClause.parse($0, className: className, s) }
        let near = try args["nearVector"].map(NearVectorArgument.init)
        if let after = args["after"] {
            try Self.validateCursor(after, args: args, hasFilter: filter != nil, hasSort: sort != nil, near: near)
        }
        let window: GetWindow
        do {
            window = try GetWindow(args: args, byDistance: near?.byDistance ?? false, limits: limits)
        } catch let failure as GQLFailure {
            // How usecases/traverser/explorer.go wraps the repository's error for each kind of search.
            let wrap = near == nil ? "explorer: list class: search: " : "explorer: get class: vector search: "
            throw GQLFailure(wrap + failure.message)
        }
        let ids = s.sortedIDs(className)
        let objects = s.objects[className] ?? [:]
        var rows: [(StoredObject, Float?)]
        if let after = args["after"]?.stringValue {
            let start = ids.partitionPoint { $0 <= after.lowercased() }
            rows = ids[start...].prefix(window.limit ?? 0).compactMap { objects[$0] }.map { ($0, nil) }
            return .array(try rows.map { try render($0.0, distance: nil, field.selectionSet?.selections ?? [], s) })
        }
        if near == nil, sort == nil, let limit = window.limit {
            // Only the window is looked at (lazily): a `limit: 1` over 134k Labels must not visit every object.
            let store = s
            let page = ids.lazy.compactMap { objects[$0] }.filter { filter?.matches($0, store) ?? true }
                .dropFirst(window.offset).prefix(limit)
            let selections = field.selectionSet?.selections ?? []
            return .array(try page.map { try render($0, distance: nil, selections, s) })
        }
        rows = ids.compactMap { objects[$0] }.filter { filter?.matches($0, s) ?? true }.map { ($0, nil) }
        if let near {
            rows = try near.search(rows.map(\.0), className: className)
            if window.limit == nil { rows = Array(rows.prefix(limits.maximumResults)) }
        } else if let sort {
            rows.sort { SortClause.inOrder($0.0, $1.0, sort) }
        }
        let page = window.limit.map { rows.dropFirst(window.offset).prefix($0) } ?? rows.dropFirst(window.offset)
        let selections = field.selectionSet?.selections ?? []
        return .array(try page.map { try render($0.0, distance: $0.1, selections, s) })
    }

    /// entities/filters/cursor.go and cursor_validator.go, usecases/traverser/explorer_validate_scroll.go.
    static func validateCursor(
        _ after: JSONValue, args: [String: JSONValue], hasFilter: Bool, hasSort: Bool, near: NearVectorArgument?
    ) throws {
        let prefix = "cursor api: invalid 'after' parameter: "
        if near != nil { throw GQLFailure(prefix + "other params cannot be set with after and limit parameters") }
        let offset = args["offset"]?.intValue ?? 0
        let others = [(offset > 0, "offset"), (hasFilter, "where"), (hasSort, "sort")].filter(\.0).map(\.1)
        if !others.isEmpty {
            throw GQLFailure(prefix + others.joined(separator: ",") + " cannot be set with after and limit parameters")
        }
        let text = after.stringValue ?? ""
        if !text.isEmpty, !ObjectID.isUUID(text) {
            throw GQLFailure(
                prefix + "after parameter '\(text)' is not a valid uuid: invalid UUID length: \(text.count)")
        }
        guard let limit = args["limit"]?.intValue, limit >= 0 else {
            throw GQLFailure(prefix + "limit parameter must be set")
        }
    }
}

/// `nearVector: {vector: [...], certainty: x | distance: y}`.
struct NearVectorArgument {
    var vector: [Float]
    var certainty: Double?
    var distance: Double?

    init(_ v: JSONValue) throws {
        guard let vec = v["vector"]?.arrayValue?.compactMap({ $0.doubleValue.map(Float.init) }), !vec.isEmpty else {
            throw GQLFailure("nearVector: vector is required")
        }
        vector = vec
        certainty = v["certainty"]?.doubleValue
        distance = v["distance"]?.doubleValue
        if certainty != nil, distance != nil {
            throw GQLFailure("nearVector cannot provide both distance and certainty")
        }
    }

    /// Certainty or distance without a limit makes Weaviate search by distance (class_builder_fields.go).
    var byDistance: Bool { certainty != nil || distance != nil }

    /// Objects with a vector within the threshold, nearest first.
    func search(_ objects: [StoredObject], className: String) throws -> [(StoredObject, Float?)] {
        var rows: [(StoredObject, Float)] = []
        for o in objects {
            guard let v = o.vector else { continue }
            guard v.count == vector.count else {
                throw GQLFailure(
                    "explorer: get class: vector search: object vector search at index \(className.lowercased()): "
                        + "shard \(className.lowercased())_0: vector lengths don't match: \(vector.count) vs \(v.count)"
                )
            }
            let d = cosineDistance(vector, v)
            if let certainty, Double(1 - d / 2) < certainty { continue }
            if let distance, Double(d) > distance { continue }
            rows.append((o, d))
        }
        rows.sort { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0.id < $1.0.id) }
        return rows.map { ($0.0, $0.1) }
    }
}
