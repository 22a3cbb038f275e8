public import ESCOCore

/// A Weaviate 1.32 collection alias: `name` reads and writes `className` (docs/weaviate-compat.md, section Aliases).
public struct WeaviateAlias: Sendable, Hashable, CustomStringConvertible {
    /// The alias, as Weaviate stores it (first letter upper-cased).
    public var name: String
    /// The class it points at.
    public var className: String

    public init(name: String, className: String) {
        self.name = name
        self.className = className
    }

    init?(json: JSONValue) {
        guard let name = json["alias"]?.stringValue, let className = json["class"]?.stringValue else { return nil }
        self.init(name: name, className: className)
    }

    public var description: String { "\(name) → \(className)" }
}

/// Why Weaviate 1.32.2 refused an alias change, read from its message (usecases/schema/alias.go,
/// cluster/raft_alias_apply_endpoints.go, cluster/schema/schema.go `createAlias`).
public enum AliasRejection: Equatable, Sendable {
    /// `create alias: alias X already exists` (any case of the name).
    case aliasExists
    /// `create alias: class X already exists`: an alias cannot take a class's name.
    case classHasTheName
    /// `class does not exist: bad request`: the target is neither a class nor an alias of one.
    case targetMissing
    /// `'x' is not a valid alias name`.
    case invalidName
    case other

    public init(message: String) {
        if message.hasSuffix("already exists"), message.contains("create alias: alias ") {
            self = .aliasExists
        } else if message.hasSuffix("already exists"), message.contains("create alias: class ") {
            self = .classHasTheName
        } else if message.contains("class does not exist") || message.contains("replace alias: class ") {
            self = .targetMissing
        } else if message.contains("is not a valid alias name") {
            self = .invalidName
        } else {
            self = .other
        }
    }
}

extension WeaviateClient {
    private func aliasPath(_ name: String) -> String { "/v1/aliases/\(escapeComponent(name))" }

    /// `POST /v1/aliases`: `name` → `targetClass`. Not retried: a retry of an applied create would be refused as
    /// existing.
    /// - Throws: `WeaviateError` `.alreadyExists` when an alias of that name (in any case) exists; `.schema` when a
    ///   class has that name or the target class does not exist; `.http` for an invalid name (with Weaviate's
    ///   message) or any other refusal; `.http` 404 when this Weaviate has no alias API (before 1.32).
    @discardableResult
    public func createAlias(_ name: String, targetClass: String) async throws -> WeaviateAlias {
        let path = "/v1/aliases"
        do {
            let json = try await json(
                "POST", path, body: ["alias": .string(name), "class": .string(targetClass)], expect: [200],
                idempotent: false)
            return try alias(from: json, "POST", path)
        } catch let error as WeaviateError where error.status == 422 {
            var e = error
            switch AliasRejection(message: error.serverMessage ?? "") {
            case .aliasExists:
                e.code = .alreadyExists
                e.detail =
                    "alias \(name) exists already; to point it at \(targetClass) replace its target "
                    + "(PUT /v1/aliases/\(name)), or delete it first"
            case .classHasTheName:
                e.code = .schema
                e.detail =
                    "a class is named \(name), and Weaviate refuses an alias with a class's name (there is no "
                    + "rename): this is an unversioned deployment; move its readers to a generation, then delete class "
                    + "\(name) and create the alias (docs/weaviate-compat.md, section Aliases)"
            case .targetMissing:
                e.code = .schema
                e.detail =
                    "the target class \(targetClass) does not exist; create (ingest) it first. Nothing was changed"
            case .invalidName:
                e.detail = "alias names follow the class-name rules: a letter, then letters, digits or _, at most 255"
            case .other:
                break
            }
            throw e
        } catch let error as WeaviateError where error.status == 404 {
            throw noAliasAPI(error)
        }
    }

    /// `GET /v1/aliases/{name}` (the first letter of `name` is upper-cased by Weaviate); nil when there is no such
    /// alias.
    public func alias(named name: String) async throws -> WeaviateAlias? {
        let path = aliasPath(name)
        let response = try await send("GET", path, expect: [200, 404])
        if response.status == 404 {
            guard Self.isEmpty(response.body) else {
                throw noAliasAPI(
                    WeaviateError(
                        code: .http, baseURL: url, method: "GET", path: path, status: 404,
                        serverMessages: WeaviateError.messages(in: response.body)))
            }
            return nil
        }
        return try alias(from: try decode(response.body, "GET", path), "GET", path)
    }

    /// `GET /v1/aliases`, or only the aliases pointing at `targetClass`. Weaviate ignores a `class` filter that names
    /// no class (and lists every alias), so the rows are also filtered here; sorted by name (Weaviate's order is
    /// random).
    public func aliases(targetClass: String? = nil) async throws -> [WeaviateAlias] {
        let path = "/v1/aliases"
        let json: JSONValue
        do {
            json = try await self.json("GET", path, query: targetClass.map { [("class", $0)] } ?? [], expect: [200])
        } catch let error as WeaviateError where error.status == 404 {
            throw noAliasAPI(error)
        }
        guard let rows = json["aliases"]?.arrayValue else {
            throw WeaviateError(code: .decoding, baseURL: url, method: "GET", path: path, detail: "no \"aliases\" list")
        }
        var all: [WeaviateAlias] = []
        for row in rows { all.append(try alias(from: row, "GET", path)) }
        if let targetClass {
            // An alias name as filter stands for its target (Weaviate reads the filter like a class).
            let wanted = Self.uppercasedFirst(targetClass)
            let target = all.first { $0.name == wanted }?.className ?? wanted
            all = all.filter { $0.className == target }
        }
        return all.sorted { $0.name < $1.name }
    }

    /// `PUT /v1/aliases/{name}`: points an existing alias at `targetClass`, atomically for this one alias (one Raft
    /// command). Idempotent, so retried.
    /// - Throws: `WeaviateError` `.notFound` when there is no such alias; `.schema` when the target class does not
    ///   exist.
    @discardableResult
    public func replaceAliasTarget(_ name: String, targetClass: String) async throws -> WeaviateAlias {
        let path = aliasPath(name)
        let response = try await send("PUT", path, body: ["class": .string(targetClass)], expect: [200, 404, 422])
        switch response.status {
        case 404:
            if Self.isEmpty(response.body) {
                throw WeaviateError(
                    code: .notFound, baseURL: url, method: "PUT", path: path, status: 404,
                    detail: "there is no alias \(name); create it (POST /v1/aliases) before switching it")
            }
            throw noAliasAPI(
                WeaviateError(
                    code: .http, baseURL: url, method: "PUT", path: path, status: 404,
                    serverMessages: WeaviateError.messages(in: response.body)))
        case 422:
            var e = WeaviateError(
                code: .http, baseURL: url, method: "PUT", path: path, status: 422,
                serverMessages: WeaviateError.messages(in: response.body))
            if AliasRejection(message: e.serverMessage ?? "") == .targetMissing {
                e.code = .schema
                e.detail = "the target class \(targetClass) does not exist; alias \(name) was left as it was"
            }
            throw e
        default:
            return try alias(from: try decode(response.body, "PUT", path), "PUT", path)
        }
    }

    /// `DELETE /v1/aliases/{name}`; the class it pointed at is untouched.
    /// - Throws: `WeaviateError` `.notFound` when there is no such alias.
    public func deleteAlias(_ name: String) async throws {
        let path = aliasPath(name)
        let response = try await send("DELETE", path, expect: [204, 404], idempotent: false)
        if response.status == 404 {
            if !Self.isEmpty(response.body) {
                throw noAliasAPI(
                    WeaviateError(
                        code: .http, baseURL: url, method: "DELETE", path: path, status: 404,
                        serverMessages: WeaviateError.messages(in: response.body)))
            }
            throw WeaviateError(
                code: .notFound, baseURL: url, method: "DELETE", path: path, status: 404,
                detail: "there is no alias \(name)")
        }
    }

    private func alias(from json: JSONValue, _ method: String, _ path: String) throws -> WeaviateAlias {
        guard let alias = WeaviateAlias(json: json) else {
            throw WeaviateError(
                code: .decoding, baseURL: url, method: method, path: path,
                detail: "an alias without \"alias\" and \"class\"")
        }
        return alias
    }

    private func noAliasAPI(_ error: WeaviateError) -> WeaviateError {
        var e = error
        e.detail =
            "this Weaviate has no alias API (/v1/aliases needs Weaviate 1.32 or later); upgrade it "
            + "(docker-compose.yml pins 1.32.2)"
        return e
    }

    /// Weaviate answers a missing alias with a 404 without a body; a body (`{"code":404,"message":"path … was not
    /// found"}`) means the route itself is unknown.
    private static func isEmpty(_ body: [UInt8]) -> Bool { body.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D } }

    /// Go's `UppercaseClassName` for ASCII names.
    static func uppercasedFirst(_ s: String) -> String {
        guard let f = s.utf8.first, (97...122).contains(f) else { return s }
        return String(decoding: [f - 32] + Array(s.utf8.dropFirst()), as: UTF8.self)
    }
}
