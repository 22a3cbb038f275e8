public import ESCOCore
import Foundation

/// How the classes we ship compare with the schema Weaviate holds: what conflicts, what is missing. Pure;
/// `ensureSchema` reads the schema, builds a plan, writes, and builds a plan again from a fresh read
/// (docs/weaviate-compat.md, section Schema).
///
/// A class or property "matches" when every setting our definition states has the same value in Weaviate's; settings
/// we leave out are Weaviate's defaults and are not compared, and descriptions carry no behaviour so they are ignored.
/// Reference targets compare as sets (their order means nothing).
public struct SchemaPlan: Sendable, Equatable {
    /// One line per difference, naming the class (and property) with both definitions.
    public var conflicts: [String] = []
    public var classesToCreate: [ClassDefinition] = []
    /// Properties to add with `POST /v1/schema/{class}/properties`, in definition order.
    public var propertiesToAdd: [Missing] = []
    /// "Class.property" that Weaviate holds and we do not define (left alone).
    public var extraProperties: [String] = []

    public struct Missing: Sendable, Equatable {
        public var className: String
        public var property: ClassDefinition.Property
    }

    /// True when every class and property exists and matches.
    public var isComplete: Bool { conflicts.isEmpty && classesToCreate.isEmpty && propertiesToAdd.isEmpty }

    /// Settings compared by `differences` only when both sides have them, or never.
    static let ignoredClassKeys: Set<String> = ["class", "properties", "description"]
    static let ignoredPropertyKeys: Set<String> = ["name", "dataType", "description"]

    /// - Parameter schema: `GET /v1/schema`'s answer (`{"classes": [...]}`).
    public init(ours: [ClassDefinition], schema: JSONValue) {
        let held = schema["classes"]?.arrayValue ?? []
        for cls in ours {
            // Weaviate refuses a class whose name differs from an existing one only in case ("found similar class").
            guard let theirs = held.first(where: { $0["class"]?.stringValue?.lowercased() == cls.name.lowercased() })
            else {
                classesToCreate.append(cls)
                continue
            }
            let heldName = theirs["class"]?.stringValue ?? ""
            guard heldName == cls.name else {
                conflicts.append(
                    "class \(cls.name)\(Self.origin(cls)): Weaviate holds a class named \"\(heldName)\", which differs "
                        + "only in case, and Weaviate refuses two such names")
                continue
            }
            for d in Self.differences(ours: cls.json, theirs: theirs, ignoring: Self.ignoredClassKeys, path: "") {
                conflicts.append("class \(cls.name)\(Self.origin(cls)): \(d)")
            }
            comparePropertiesOf(cls, theirs["properties"]?.arrayValue ?? [])
        }
    }

    private mutating func comparePropertiesOf(_ cls: ClassDefinition, _ held: [JSONValue]) {
        let wanted = Set(cls.properties.map { $0.name.lowercased() })
        extraProperties += held.compactMap { $0["name"]?.stringValue }.filter { !wanted.contains($0.lowercased()) }
            .sorted().map { "\(cls.name).\($0)" }
        for p in cls.properties {
            // Weaviate compares property names ignoring case ("conflict for property ... already in use").
            let lowered = p.name.lowercased()
            guard let theirs = held.first(where: { $0["name"]?.stringValue?.lowercased() == lowered }) else {
                propertiesToAdd.append(Missing(className: cls.name, property: p))
                continue
            }
            if let difference = Self.propertyDifference(p, theirs) {
                conflicts.append(
                    "class \(cls.name) property \(p.name)\(Self.origin(cls)): \(difference): ours "
                        + "\(JSONCodec.encodeString(p.json)), Weaviate's \(JSONCodec.encodeString(theirs))")
            }
        }
    }

    /// Why Weaviate's property differs from ours, or nil when it matches.
    static func propertyDifference(_ ours: ClassDefinition.Property, _ theirs: JSONValue) -> String? {
        let heldName = theirs["name"]?.stringValue ?? ""
        if heldName != ours.name { return "the name differs in case (\"\(heldName)\")" }
        let found = theirs["dataType"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let sameType = ours.isReference ? Set(found) == Set(ours.dataType) : found == ours.dataType
        if !sameType { return "dataType differs" }
        let rest = differences(ours: ours.json, theirs: theirs, ignoring: ignoredPropertyKeys, path: "")
        return rest.isEmpty ? nil : rest.joined(separator: "; ")
    }

    /// Every setting stated in `ours` (recursively for objects) whose value in `theirs` differs, as
    /// "path: ours X, Weaviate's Y". Weaviate's models leave out zero values (Go's `omitempty`: `indexTimestamps:
    /// false` is not in its answer), so a missing setting matches a zero one.
    static func differences(ours: JSONValue, theirs: JSONValue?, ignoring: Set<String>, path: String) -> [String] {
        if theirs == nil && isZero(ours) { return [] }
        guard case .object(let mine) = ours, case .object(let held)? = theirs else {
            if ours == theirs { return [] }
            let found = theirs.map(JSONCodec.encodeString) ?? "nothing"
            return ["\(path): ours \(JSONCodec.encodeString(ours)), Weaviate's \(found)"]
        }
        return mine.keys.sorted().filter { !ignoring.contains($0) }.flatMap { key in
            differences(ours: mine[key]!, theirs: held[key], ignoring: [], path: path.isEmpty ? key : "\(path).\(key)")
        }
    }

    static func isZero(_ v: JSONValue) -> Bool {
        switch v {
        case .null: true
        case .bool(let b): !b
        case .number(let d): d == 0
        case .string(let s): s.isEmpty
        case .array(let a): a.isEmpty
        case .object(let o): o.values.allSatisfy(isZero)
        }
    }

    static func origin(_ cls: ClassDefinition) -> String { cls.source.map { " (\($0))" } ?? "" }
}

/// What a 422 from a schema write means, by Weaviate 1.32.2's messages (cluster/schema/manager.go `PreApplyFilter`,
/// cluster/schema/schema.go `addClass`, usecases/schema/class.go `validateProperty`).
public enum SchemaRejection: Sendable, Equatable {
    /// The class exists under exactly this name: `class name X already exists` (checked before the Raft apply), or
    /// `updating schema: TYPE_ADD_CLASS: class already exists` (a concurrent create won inside the Raft apply).
    case classExists
    /// A class whose name differs only in case exists: `class already exists: found similar class "X"`.
    case similarClass(String)
    /// An alias has that name: `alias name X already exists` or `... found similar alias "X"`.
    case alias(String)
    /// `class "C": conflict for property "p": already in use or provided multiple times`.
    case propertyExists
    /// Anything else (validation, replication factor, ...).
    case other

    public init(message: String) {
        if let similar = Self.quoted(after: "found similar class ", in: message) {
            self = .similarClass(similar)
        } else if let alias = Self.quoted(after: "found similar alias ", in: message) {
            self = .alias(alias)
        } else if message.hasPrefix("alias name "), message.hasSuffix(" already exists") {
            self = .alias(String(message.dropFirst("alias name ".count).dropLast(" already exists".count)))
        } else if message.hasPrefix("class name "), message.hasSuffix(" already exists") {
            self = .classExists
        } else if message.hasSuffix("TYPE_ADD_CLASS: class already exists") {
            self = .classExists
        } else if message.contains(": conflict for property "),
            message.hasSuffix("already in use or provided multiple times")
        {
            self = .propertyExists
        } else {
            self = .other
        }
    }

    private static func quoted(after marker: String, in message: String) -> String? {
        guard let range = message.range(of: marker) else { return nil }
        return String(message[range.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
    }
}
