public import ESCOCore
import Foundation
import Yams

/// One Weaviate class as defined in `resources/schemas/<Class>.yaml`, kept as the JSON sent to `/v1/schema`.
public struct ClassDefinition: Sendable, Equatable {
    public var name: String
    /// The whole class definition (`class`, `vectorizer`, `properties`, ...).
    public var json: JSONValue
    /// Where it was read from, for messages.
    public var source: String?

    public init(json: JSONValue, source: String? = nil) throws {
        guard let name = json["class"]?.stringValue, !name.isEmpty else {
            throw WeaviateError(
                code: .schema, baseURL: source ?? "schema", detail: "the class definition has no `class` name")
        }
        self.name = name
        self.json = json
        self.source = source
    }

    /// One property: its name, dataType list and full JSON.
    public struct Property: Sendable, Equatable {
        public var name: String
        public var dataType: [String]
        public var json: JSONValue
        /// Reference properties name classes (capitalised), primitives are lower-case (`text`, `int[]`, ...).
        public var isReference: Bool { dataType.first?.first?.isUppercase ?? false }
    }

    public var properties: [Property] {
        (json["properties"]?.arrayValue ?? []).compactMap { p in
            guard let name = p["name"]?.stringValue else { return nil }
            return Property(name: name, dataType: p["dataType"]?.arrayValue?.compactMap(\.stringValue) ?? [], json: p)
        }
    }

    /// The class without reference properties: classes point at each other, so all are created first.
    public var withoutReferences: JSONValue {
        guard case .object(var o) = json else { return json }
        o["properties"] = .array(properties.filter { !$0.isReference }.map(\.json))
        return .object(o)
    }

    /// The class with `replicationConfig.factor` set to `factor`, or unchanged when `factor` is nil: no factor is sent
    /// then, and Weaviate applies its `REPLICATION_MINIMUM_FACTOR` (a factor below it is refused with 422,
    /// usecases/replica/config.go).
    public func withReplicationFactor(_ factor: Int?) -> ClassDefinition {
        guard let factor, case .object(var o) = json else { return self }
        var replication = o["replicationConfig"]?.objectValue ?? [:]
        replication["factor"] = .number(Double(factor))
        o["replicationConfig"] = .object(replication)
        var copy = self
        copy.json = .object(o)
        return copy
    }

    /// Reads every `*.yaml` in `directory`, sorted by file name.
    public static func load(directory: String) throws -> [ClassDefinition] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        } catch {
            throw WeaviateError(
                code: .schema, baseURL: directory,
                detail: "cannot list the schema directory; set weaviate.schemaDirectory", underlying: error)
        }
        return try names.map { name in
            let path = (directory as NSString).appendingPathComponent(name)
            let text: String
            let node: Node?
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
                node = try Yams.compose(yaml: text)
            } catch {
                throw WeaviateError(
                    code: .schema, baseURL: path, detail: "cannot read the class definition: \(error)",
                    underlying: error)
            }
            return try ClassDefinition(json: node.map(Self.jsonValue) ?? .null, source: path)
        }
    }

    static func jsonValue(_ node: Node) -> JSONValue {
        switch node {
        case .mapping(let m):
            var o: [String: JSONValue] = [:]
            for (k, v) in m { o[k.string ?? ""] = jsonValue(v) }
            return .object(o)
        case .sequence(let s): return .array(s.map(jsonValue))
        case .alias: return .null
        case .scalar(let s):
            // Quoted scalars stay strings; plain ones get YAML's core types.
            if s.style != .plain { return .string(s.string) }
            if node.null != nil { return .null }
            if let b = node.bool { return .bool(b) }
            if let i = node.int { return .number(Double(i)) }
            if let d = node.float { return .number(d) }
            return .string(s.string)
        }
    }
}

/// What `ensureSchema` did. It never drops or changes anything that exists.
public struct SchemaReport: Sendable, Equatable {
    public var createdClasses: [String] = []
    /// "Class.property" for every property added to an existing or new class.
    public var addedProperties: [String] = []
    /// "Class.property" that exist in Weaviate but not in our definitions (left alone).
    public var extraProperties: [String] = []
    public init() {}
    public var changed: Bool { !createdClasses.isEmpty || !addedProperties.isEmpty }
}
