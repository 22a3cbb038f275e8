import ESCOCore
import Foundation
import Synchronization
import GraphQL

/// Weaviate's default page size when a query gives no limit (QUERY_DEFAULTS_LIMIT).
let queryDefaultsLimit = 10
/// QUERY_MAXIMUM_RESULTS: the cap for searches by distance without a limit.
let queryMaximumResults = 10_000

extension WeaviateStandIn {
    /// `POST /v1/graphql`. Errors come back as HTTP 200 with `errors[]`, as Weaviate does.
    func graphQL(_ req: HTTPRequest) -> HTTPResponse {
        guard let body = try? JSONCodec.parse(req.body), let query = body["query"]?.stringValue else {
            return .weaviateError(422, "invalid GraphQL request body: expected {\"query\": \"...\"}")
        }
        let variables = body["variables"]?.objectValue ?? [:]
        let document: Document
        do {
            document = try parse(source: query)
        } catch let e as GraphQLError {
            let locs: [JSONValue] = e.locations.map { ["line": .number(Double($0.line)), "column": .number(Double($0.column))] }
            return .json(200, ["data": .null, "errors": [["message": .string(e.message), "locations": .array(locs)]]])
        } catch {
            return .json(200, ["data": .null, "errors": [["message": .string("\(error)")]]])
        }
        guard let op = document.definitions.compactMap({ $0 as? OperationDefinition }).first, op.operation == .query else {
            return .json(200, ["data": .null, "errors": [["message": "only query operations are supported"]]])
        }
        var data: [String: JSONValue] = [:]
        var errors: [JSONValue] = []
        var validationFailed = false
        let ctx = GQLContext(variables: variables)
        store.withLock { s in
            for case let top as Field in op.selectionSet.selections {
                let topName = top.name.value
                guard topName == "Get" || topName == "Aggregate" else {
                    errors.append(gqlError(GQLFailure("Cannot query field \"\(topName)\" on type \"WeaviateObj\".", validation: true), node: top, path: []))
                    validationFailed = true
                    continue
                }
                var classes: [String: JSONValue] = [:]
                for case let field as Field in top.selectionSet?.selections ?? [] {
                    let key = field.alias?.value ?? field.name.value
                    do {
                        classes[key] = try topName == "Get" ? ctx.get(field, &s) : ctx.aggregate(field, &s)
                    } catch let f as GQLFailure {
                        validationFailed = validationFailed || f.validation
                        errors.append(gqlError(f, node: field, path: [topName, key]))
                        classes[key] = .null
                    } catch {
                        errors.append(gqlError(GQLFailure("\(error)"), node: field, path: [topName, key]))
                        classes[key] = .null
                    }
                }
                data[top.alias?.value ?? topName] = .object(classes)
            }
        }
        var result: [String: JSONValue] = ["data": validationFailed ? .null : .object(data)]
        if !errors.isEmpty { result["errors"] = .array(errors) }
        return .json(200, .object(result))
    }

    private func gqlError(_ f: GQLFailure, node: Field, path: [String]) -> JSONValue {
        let line = f.line > 1 || f.column > 1 ? f.line : (node.loc?.startToken.line ?? 1)
        let column = f.line > 1 || f.column > 1 ? f.column : (node.loc?.startToken.column ?? 1)
        var e: [String: JSONValue] = [
            "message": .string(f.message),
            "locations": [["line": .number(Double(line)), "column": .number(Double(column))]],
        ]
        if !path.isEmpty, !f.validation { e["path"] = .array(path.map { .string($0) }) }
        return .object(e)
    }
}

/// Resolves `Get` and `Aggregate` class fields against the store.
struct GQLContext {
    let variables: [String: JSONValue]

    func json(_ v: any Value) throws -> JSONValue {
        switch v {
        case let x as IntValue: return .number(Double(x.value) ?? 0)
        case let x as FloatValue: return .number(Double(x.value) ?? 0)
        case let x as StringValue: return .string(x.value)
        case let x as BooleanValue: return .bool(x.value)
        case is NullValue: return .null
        case let x as EnumValue: return .string(x.value)
        case let x as ListValue: return .array(try x.values.map(json))
        case let x as ObjectValue:
            var o: [String: JSONValue] = [:]
            for f in x.fields { o[f.name.value] = try json(f.value) }
            return .object(o)
        case let x as Variable:
            guard let v = variables[x.name.value] else {
                throw GQLFailure("Variable \"$\(x.name.value)\" is not defined.", validation: true)
            }
            return v
        default: throw GQLFailure("unsupported GraphQL value")
        }
    }

    func arguments(_ field: Field, allowed: Set<String>, type: String) throws -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for a in field.arguments {
            guard allowed.contains(a.name.value) else {
                throw GQLFailure(
                    "Unknown argument \"\(a.name.value)\" on field \"\(field.name.value)\" of type \"\(type)\".",
                    line: a.loc?.startToken.line ?? 1, column: a.loc?.startToken.column ?? 1, validation: true)
            }
            out[a.name.value] = try json(a.value)
        }
        return out
    }

    func classExists(_ field: Field, _ s: WeaviateStore, type: String) throws -> String {
        let name = field.name.value
        guard s.classes[name] != nil else {
            throw GQLFailure("Cannot query field \"\(name)\" on type \"\(type)\".", validation: true)
        }
        return name
    }

    func aggregate(_ field: Field, _ s: inout WeaviateStore) throws -> JSONValue {
        let className = try classExists(field, s, type: "AggregateObjectsObj")
        let args = try arguments(field, allowed: ["where", "groupBy", "limit", "nearVector", "objectLimit"], type: "AggregateObjectsObj")
        let filter = try args["where"].map(WhereFilter.parse)?.resolved(for: className, in: s)
        let objects = s.objects[className] ?? [:]
        let count = filter.map { f in objects.values.reduce(0) { $0 + (f.matches($1, s) ? 1 : 0) } } ?? objects.count
        var row: [String: JSONValue] = [:]
        for case let sel as Field in field.selectionSet?.selections ?? [] {
            guard sel.name.value == "meta" else {
                throw GQLFailure("stand-in supports only meta { count } in Aggregate, not \"\(sel.name.value)\"")
            }
            row[sel.alias?.value ?? "meta"] = ["count": .number(Double(count))]
        }
        return [.object(row)]
    }

    func get(_ field: Field, _ s: inout WeaviateStore) throws -> JSONValue {
        let className = try classExists(field, s, type: "GetObjectsObj")
        let args = try arguments(
            field, allowed: ["where", "limit", "offset", "after", "sort", "nearVector", "autocut", "consistencyLevel"],
            type: "GetObjectsObj")
        try validateSelections(className, field.selectionSet?.selections ?? [], s)
        let filter = try args["where"].map(WhereFilter.parse)?.resolved(for: className, in: s)
        var limit = args["limit"]?.intValue
        let offset = args["offset"]?.intValue ?? 0
        var rows: [(StoredObject, Float?)] = []
        let ids = s.sortedIDs(className)
        let objects = s.objects[className] ?? [:]
        if let after = args["after"]?.stringValue {
            guard filter == nil, args["nearVector"] == nil, args["sort"] == nil else {
                throw GQLFailure("explorer: list objects: invalid 'after' parameter: other params cannot be set at the same time")
            }
            let start = ids.partitionPoint { $0 <= after.lowercased() }
            rows = ids[start...].compactMap { objects[$0] }.map { ($0, nil) }
        } else {
            rows = ids.compactMap { objects[$0] }.filter { filter?.matches($0, s) ?? true }.map { ($0, nil) }
        }
        if let near = args["nearVector"] {
            guard let vec = near["vector"]?.arrayValue?.compactMap({ $0.doubleValue.map(Float.init) }), !vec.isEmpty else {
                throw GQLFailure("nearVector: vector is required")
            }
            let certainty = near["certainty"]?.doubleValue
            let distance = near["distance"]?.doubleValue
            if certainty != nil, distance != nil {
                throw GQLFailure("nearVector cannot provide both distance and certainty")
            }
            if limit == nil, certainty != nil || distance != nil { limit = queryMaximumResults }
            rows = try rows.compactMap { (o, _) -> (StoredObject, Float?)? in
                guard let v = o.vector else { return nil }
                guard v.count == vec.count else {
                    throw GQLFailure("explorer: get class: vector search: object vector search at index \(className.lowercased()): shard \(className.lowercased())_0: vector lengths don't match: \(vec.count) vs \(v.count)")
                }
                let d = cosineDistance(vec, v)
                if let certainty, Double(1 - d / 2) < certainty { return nil }
                if let distance, Double(d) > distance { return nil }
                return (o, d)
            }
            rows.sort { $0.1! < $1.1! || ($0.1! == $1.1! && $0.0.id < $1.0.id) }
        } else if let sort = args["sort"] {
            let clauses = sort.arrayValue ?? [sort]
            rows.sort { a, b in
                for c in clauses {
                    guard let p = c["path"]?.arrayValue?.first?.stringValue else { continue }
                    let desc = c["order"]?.stringValue == "desc"
                    let va = p == "id" ? JSONValue.string(a.0.id) : (a.0.properties[p] ?? .null)
                    let vb = p == "id" ? JSONValue.string(b.0.id) : (b.0.properties[p] ?? .null)
                    let dt = s.property(className, p)?["dataType"]?.arrayValue?.first?.stringValue ?? "text"
                    guard let r = WhereFilter.order(va, vb, dt), r != .orderedSame else {
                        if va.isNull != vb.isNull { return va.isNull != desc }
                        continue
                    }
                    return (r == .orderedAscending) != desc
                }
                return a.0.id < b.0.id
            }
        }
        let page = rows.dropFirst(offset).prefix(max(0, limit ?? queryDefaultsLimit))
        let selections = field.selectionSet?.selections ?? []
        return .array(try page.map { try render($0.0, distance: $0.1, selections, s) })
    }

    /// Unknown fields fail the whole query, as GraphQL validation does, even when no object matches.
    func validateSelections(_ className: String, _ selections: [any Selection], _ s: WeaviateStore) throws {
        for sel in selections {
            if let frag = sel as? InlineFragment, let c = frag.typeCondition?.name.value {
                guard s.classes[c] != nil else { throw GQLFailure("Unknown type \"\(c)\".", validation: true) }
                try validateSelections(c, frag.selectionSet.selections, s)
                continue
            }
            guard let f = sel as? Field else { continue }
            let name = f.name.value
            if name == "_additional" || name == "__typename" { continue }
            guard let def = s.property(className, name) else {
                throw GQLFailure(
                    "Cannot query field \"\(name)\" on type \"\(className)\".", line: f.loc?.startToken.line ?? 1,
                    column: f.loc?.startToken.column ?? 1, validation: true)
            }
            let dt = def["dataType"]?.arrayValue?.first?.stringValue ?? "text"
            if !primitiveDataTypes.contains(dt), let sub = f.selectionSet?.selections {
                try validateSelections(className, sub.filter { $0 is InlineFragment }, s)
            }
        }
    }

    func render(_ o: StoredObject, distance: Float?, _ selections: [any Selection], _ s: WeaviateStore) throws -> JSONValue {
        var out: [String: JSONValue] = [:]
        for sel in selections {
            if let frag = sel as? InlineFragment {
                if frag.typeCondition?.name.value == o.className {
                    if case .object(let more) = try render(o, distance: distance, frag.selectionSet.selections, s) {
                        out.merge(more) { _, new in new }
                    }
                }
                continue
            }
            guard let f = sel as? Field else { throw GQLFailure("fragment spreads are not supported by the stand-in") }
            let name = f.name.value
            let key = f.alias?.value ?? name
            if name == "__typename" { out[key] = .string(o.className); continue }
            if name == "_additional" {
                var add: [String: JSONValue] = [:]
                for case let a as Field in f.selectionSet?.selections ?? [] {
                    let an = a.name.value
                    switch an {
                    case "id": add[an] = .string(o.id)
                    case "distance": add[an] = distance.map { .number(Double($0)) } ?? .null
                    case "certainty": add[an] = distance.map { .number(Double(1 - $0 / 2)) } ?? .null
                    case "vector": add[an] = o.vector.map { .array($0.map { .number(Double($0)) }) } ?? .array([])
                    case "creationTimeUnix": add[an] = .string(String(o.created))
                    case "lastUpdateTimeUnix": add[an] = .string(String(o.updated))
                    default:
                        throw GQLFailure("Cannot query field \"\(an)\" on type \"\(o.className)AdditionalFields\".", validation: true)
                    }
                }
                out[key] = .object(add)
                continue
            }
            guard let def = s.property(o.className, name) else {
                throw GQLFailure("Cannot query field \"\(name)\" on type \"\(o.className)\".", validation: true)
            }
            let dt = def["dataType"]?.arrayValue?.first?.stringValue ?? "text"
            if primitiveDataTypes.contains(dt) {
                out[key] = o.properties[name] ?? .null
                continue
            }
            guard let sub = f.selectionSet?.selections else {
                throw GQLFailure("Field \"\(name)\" of type \"[\(o.className)\(name.prefix(1).uppercased() + name.dropFirst())Obj]\" must have a selection of subfields.", validation: true)
            }
            var refs: [JSONValue] = []
            for r in o.properties[name]?.arrayValue ?? [] {
                guard let b = r["beacon"]?.stringValue.flatMap(Beacon.init), let c = b.className,
                    let target = s.objects[c]?[b.id]
                else { continue }
                refs.append(try render(target, distance: nil, sub, s))
            }
            out[key] = refs.isEmpty ? .null : .array(refs)
        }
        return .object(out)
    }
}

/// 1 - cosine similarity, as Weaviate's `cosine` distance.
func cosineDistance(_ a: [Float], _ b: [Float]) -> Float {
    var dot: Float = 0, na: Float = 0, nb: Float = 0
    a.withUnsafeBufferPointer { x in
        b.withUnsafeBufferPointer { y in
            for i in 0..<x.count {
                dot += x[i] * y[i]
                na += x[i] * x[i]
                nb += y[i] * y[i]
            }
        }
    }
    guard na > 0, nb > 0 else { return 1 }
    return 1 - dot / (na.squareRoot() * nb.squareRoot())
}
