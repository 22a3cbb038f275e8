import ESCOCore
import Foundation
import Synchronization

/// Weaviate 1.32.2's collection aliases (`/v1/aliases`), in its order of checks and with its messages:
/// adapters/handlers/rest/handlers_aliases.go (statuses), usecases/schema/alias.go (name casing, validation, the
/// target read), cluster/raft_alias_apply_endpoints.go (`class does not exist: bad request`), cluster/schema/schema.go
/// `createAlias`, `replaceAlias`, `getAliases`, `deleteAlias` (the Raft apply, whose errors `apply` in
/// cluster/schema/manager.go wraps as `updating schema: TYPE_…: …`). docs/weaviate-compat.md, section Aliases.
extension WeaviateStandIn {
    func routeAliases(_ req: HTTPRequest, _ method: String, _ s: [String]) -> HTTPResponse {
        switch (method, s.count) {
        case ("GET", 2): return listAliases(req.query["class"])
        case ("POST", 2): return createAlias(req)
        case ("GET", 3): return getAlias(s[2])
        case ("PUT", 3): return replaceAlias(s[2], req)
        case ("DELETE", 3): return deleteAlias(s[2])
        default:
            return .weaviateError(method == "GET" ? 404 : 405, "path \(req.path) was not found for method \(method)")
        }
    }

    /// `GET /v1/aliases[?class=]`. The filter is resolved like a class read (an alias name finds its target); a
    /// filter naming nothing filters nothing, so every alias is listed (usecases/schema/alias.go `GetAliases` passes a
    /// nil class on). Weaviate lists in Go map order (random); the stand-in sorts by alias name.
    func listAliases(_ classFilter: String?) -> HTTPResponse {
        let rows: [(String, String)] = store.withLock { s in
            let target = classFilter.flatMap { s.readOnlyClass(SchemaRules.uppercaseFirst($0)) }
            return s.aliases.filter { target == nil || $0.value == target }.sorted { $0.key < $1.key }
        }
        return .json(200, ["aliases": .array(rows.map(Self.aliasJSON))])
    }

    /// `GET /v1/aliases/{name}`: the name's first letter is upper-cased, then looked up exactly; 404 without a body.
    func getAlias(_ name: String) -> HTTPResponse {
        let alias = SchemaRules.uppercaseFirst(name)
        guard let target = store.withLock({ $0.aliases[alias] }) else { return .empty(404) }
        return .json(200, Self.aliasJSON((alias, target)))
    }

    /// `POST /v1/aliases`. Answers the request body as cased by the handler (so `class` is the name sent, even when it
    /// named another alias whose target was stored).
    func createAlias(_ req: HTTPRequest) -> HTTPResponse {
        let body: [String: String]
        switch Self.bindAliasBody(req, model: "Alias") {
        case .failure(let refusal): return refusal.response
        case .success(let b): body = b
        }
        let alias = SchemaRules.uppercaseFirst(body["alias"] ?? "")
        let className = SchemaRules.uppercaseFirst(body["class"] ?? "")
        if let invalid = Self.aliasNameProblem(alias) { return .weaviateError(422, invalid) }
        return store.withLock { s in
            guard let target = s.readOnlyClass(className) else {
                return .weaviateError(422, "class does not exist: bad request")
            }
            let applyError = "updating schema: TYPE_CREATE_ALIAS: create alias: "
            if s.aliasEqualFold(alias) != nil {
                return .weaviateError(422, applyError + "alias \(alias) already exists")
            }
            // Only an exact match refuses: `createAlias` compares the case-folded find with `==`.
            if s.classOrder.contains(alias) { return .weaviateError(422, applyError + "class \(alias) already exists") }
            s.commit(["op": "putAlias", "alias": .string(alias), "class": .string(target)])
            return .json(200, Self.aliasJSON((alias, className)))
        }
    }

    /// `PUT /v1/aliases/{name}` with `{"class": …}`: an unknown alias is 404 without a body (checked before the target);
    /// the target is read like a class (an alias name finds its target). Answers the stored target.
    func replaceAlias(_ name: String, _ req: HTTPRequest) -> HTTPResponse {
        let body: [String: String]
        switch Self.bindAliasBody(req, model: "AliasesUpdateBody") {
        case .failure(let refusal): return refusal.response
        case .success(let b): body = b
        }
        let alias = SchemaRules.uppercaseFirst(name)
        let className = SchemaRules.uppercaseFirst(body["class"] ?? "")
        return store.withLock { s in
            guard s.aliases[alias] != nil else { return .empty(404) }
            guard let target = s.readOnlyClass(className) else {
                return .weaviateError(422, "class does not exist: bad request")
            }
            s.commit(["op": "putAlias", "alias": .string(alias), "class": .string(target)])
            return .json(200, Self.aliasJSON((alias, target)))
        }
    }

    /// `DELETE /v1/aliases/{name}`: 204, or 404 without a body when no alias has that (first-letter upper-cased) name.
    func deleteAlias(_ name: String) -> HTTPResponse {
        let alias = SchemaRules.uppercaseFirst(name)
        return store.withLock { s in
            guard s.aliases[alias] != nil else { return .empty(404) }
            s.commit(["op": "deleteAlias", "alias": .string(alias)])
            return .empty(204)
        }
    }

    static func aliasJSON(_ row: (alias: String, target: String)) -> JSONValue {
        ["alias": .string(row.alias), "class": .string(row.target)]
    }

    /// entities/schema/validation.go `ValidateAliasName`: the class-name rules, with "alias" in the message.
    static func aliasNameProblem(_ name: String) -> String? {
        do throws(SchemaRules.Refusal) {
            try SchemaRules.validateClassName(name)
            return nil
        } catch {
            return error.message.replacingOccurrences(
                of: "is not a valid class name", with: "is not a valid alias name")
        }
    }

    /// go-swagger's binding of the alias bodies, with optional string fields `alias` and `class`
    /// (adapters/handlers/rest/operations/schema/aliases_create_parameters.go, aliases_update_parameters.go).
    static func bindAliasBody(_ req: HTTPRequest, model: String) -> Result<[String: String], GoSwaggerBinding.Refusal> {
        let binding = GoSwaggerBinding(parameter: "body", model: model)
        let fields: [String: JSONValue]
        switch binding.bind(req.body) {
        case .failure(let refusal): return .failure(refusal)
        case .success(let f): fields = f
        }
        var out: [String: String] = [:]
        for key in ["alias", "class"] {
            guard let v = fields[key], !v.isNull else { continue }
            guard let text = v.stringValue else { return .failure(binding.fieldTypeError(key, v, goType: "string")) }
            out[key] = text
        }
        return .success(out)
    }

    /// The class an object or GraphQL request names, as Weaviate's object use cases resolve it
    /// (usecases/objects/alias/alias.go `ResolveAlias`): an alias (matched with its first letter upper-cased) becomes
    /// its target, anything else stays as given.
    func resolvingAlias(_ name: String) -> String { store.withLock { $0.resolvingAlias(name) } }
}

extension WeaviateStore {
    /// usecases/objects/alias/alias.go `ResolveAlias` over cluster/schema/schema.go `ResolveAlias`.
    func resolvingAlias(_ name: String) -> String { aliases[SchemaRules.uppercaseFirst(name)] ?? name }

    /// cluster/schema/schema.go `unsafeReadOnlyClass` / `unsafeResolveClass`: an alias of exactly that name reads its
    /// target (nil when the target is gone), else the class of exactly that name.
    func readOnlyClass(_ name: String) -> String? {
        if let target = aliases[name] { return classes[target] != nil ? target : nil }
        return classes[name] != nil ? name : nil
    }

    /// An alias whose name equals `name` ignoring case (cluster/schema/schema.go `unsafeAliasExists`, `ClassEqual`:
    /// `strings.EqualFold`; names are ASCII once validated).
    func aliasEqualFold(_ name: String) -> String? {
        let folded = name.lowercased()
        return aliases.keys.sorted().first { $0.lowercased() == folded }
    }

    /// The class a GraphQL field names: a class, or an alias whose target exists (the `Get` and `Aggregate` fields of
    /// an alias are copies of its target's, added only when the target is in the schema:
    /// adapters/handlers/graphql/local/get/class_builder.go, local/aggregate/aggregate.go).
    func graphQLClass(_ field: String) -> String? {
        if classes[field] != nil { return field }
        return aliases[field].flatMap { classes[$0] != nil ? $0 : nil }
    }
}
