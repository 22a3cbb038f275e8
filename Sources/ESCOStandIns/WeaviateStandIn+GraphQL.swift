import ESCOCore
import Foundation
import GraphQL
import Synchronization

extension WeaviateStandIn {
    /// `POST /v1/graphql`. Errors come back as HTTP 200 with `errors[]`, as Weaviate does, except the ones
    /// adapters/handlers/rest/handlers_graphql.go answers itself with 422: an empty query, and any query while
    /// the schema has no class (no GraphQL schema is built then).
    func graphQL(_ req: HTTPRequest) -> HTTPResponse {
        guard let body = try? JSONCodec.parse(req.body), let query = body["query"]?.stringValue else {
            return .weaviateError(422, "invalid GraphQL request body: expected {\"query\": \"...\"}")
        }
        if query.isEmpty { return .weaviateError(422, "query cannot be empty") }
        if store.withLock({ $0.classes.isEmpty }) {
            return .weaviateError(
                422,
                "no graphql provider present, this is most likely because no schema is present. Import a schema first!"
            )
        }
        let variables = body["variables"]?.objectValue ?? [:]
        let document: Document
        do {
            document = try parse(source: query)
        } catch let e as GraphQLError {
            let locs: [JSONValue] = e.locations.map {
                ["line": .number(Double($0.line)), "column": .number(Double($0.column))]
            }
            return .json(200, ["data": .null, "errors": [["message": .string(e.message), "locations": .array(locs)]]])
        } catch {
            return .json(200, ["data": .null, "errors": [["message": .string("\(error)")]]])
        }
        guard let op = document.definitions.compactMap({ $0 as? OperationDefinition }).first, op.operation == .query
        else {
            return .json(200, ["data": .null, "errors": [["message": "only query operations are supported"]]])
        }
        var data: [String: JSONValue] = [:]
        var errors: [JSONValue] = []
        var validationFailed = false
        let ctx = GQLContext(variables: variables, limits: options.queryLimits)
        store.withLock { s in
            for case let top as Field in op.selectionSet.selections {
                let topName = top.name.value
                guard topName == "Get" || topName == "Aggregate" else {
                    errors.append(
                        gqlError(
                            GQLFailure("Cannot query field \"\(topName)\" on type \"WeaviateObj\".", validation: true),
                            node: top, path: []))
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
    let limits: QueryLimits

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
        guard let className = s.graphQLClass(name) else {
            throw GQLFailure("Cannot query field \"\(name)\" on type \"\(type)\".", validation: true)
        }
        return className
    }

    func aggregate(_ field: Field, _ s: inout WeaviateStore) throws -> JSONValue {
        let className = try classExists(field, s, type: "AggregateObjectsObj")
        let args = try arguments(
            field, allowed: ["where", "groupBy", "limit", "nearVector", "objectLimit"], type: "AggregateObjectsObj")
        let filter = try args["where"].map { try WhereFilter.parse($0).validated(className: className, s) }
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
