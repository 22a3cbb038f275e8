/// GraphQL string literal: `"` `\` and every control character escaped, so no label can break or alter a query.
public func graphQLString(_ s: String) -> String {
    var out = "\""
    out.reserveCapacity(s.utf8.count + 2)
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20 || scalar.value == 0x7F:
            let hex = String(scalar.value, radix: 16, uppercase: true)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

/// A `where:` filter. Build with the static helpers: `.equal(["conceptUri"], .text(uri))`, `.and([...])`.
public struct WhereFilter: Sendable, Equatable {
    public enum Operator: String, Sendable {
        case equal = "Equal", notEqual = "NotEqual", like = "Like", containsAny = "ContainsAny"
        case greaterThan = "GreaterThan", lessThan = "LessThan", greaterThanEqual = "GreaterThanEqual"
        case lessThanEqual = "LessThanEqual", and = "And", or = "Or"
    }

    public enum Value: Sendable, Equatable {
        case text(String)
        case texts([String])
        case int(Int)
        case number(Double)
        case boolean(Bool)
        /// RFC 3339, e.g. `2024-01-02T03:04:05.678Z`.
        case date(String)
    }

    public var op: Operator
    public var path: [String]
    public var value: Value?
    public var operands: [WhereFilter]

    public init(op: Operator, path: [String] = [], value: Value? = nil, operands: [WhereFilter] = []) {
        self.op = op
        self.path = path
        self.value = value
        self.operands = operands
    }

    public static func equal(_ path: [String], _ v: Value) -> Self { .init(op: .equal, path: path, value: v) }
    public static func notEqual(_ path: [String], _ v: Value) -> Self { .init(op: .notEqual, path: path, value: v) }
    public static func like(_ path: [String], _ pattern: String) -> Self {
        .init(op: .like, path: path, value: .text(pattern))
    }
    public static func containsAny(_ path: [String], _ v: [String]) -> Self {
        .init(op: .containsAny, path: path, value: .texts(v))
    }
    public static func greaterThan(_ path: [String], _ v: Value) -> Self {
        .init(op: .greaterThan, path: path, value: v)
    }
    public static func lessThan(_ path: [String], _ v: Value) -> Self { .init(op: .lessThan, path: path, value: v) }
    public static func and(_ operands: [WhereFilter]) -> Self { .init(op: .and, operands: operands) }
    public static func or(_ operands: [WhereFilter]) -> Self { .init(op: .or, operands: operands) }

    /// `{path: [...], operator: Equal, valueText: "..."}`.
    public var rendered: String {
        var parts: [String] = []
        if !operands.isEmpty || op == .and || op == .or {
            parts.append("operator: \(op.rawValue)")
            parts.append("operands: [" + operands.map(\.rendered).joined(separator: ", ") + "]")
        } else {
            parts.append("path: [" + path.map(graphQLString).joined(separator: ", ") + "]")
            parts.append("operator: \(op.rawValue)")
            switch value {
            case .text(let s): parts.append("valueText: " + graphQLString(s))
            case .texts(let a): parts.append("valueText: [" + a.map(graphQLString).joined(separator: ", ") + "]")
            case .int(let i): parts.append("valueInt: \(i)")
            case .number(let d): parts.append("valueNumber: \(d)")
            case .boolean(let b): parts.append("valueBoolean: \(b)")
            case .date(let d): parts.append("valueDate: " + graphQLString(d))
            case nil: break
            }
        }
        return "{" + parts.joined(separator: ", ") + "}"
    }
}

/// A selected field: a property, or a reference with `... on Class { fields }` per target class.
public indirect enum GraphQLField: Sendable, Equatable, ExpressibleByStringLiteral {
    case property(String)
    case reference(String, [(className: String, fields: [GraphQLField])])

    public init(stringLiteral value: String) { self = .property(value) }

    /// `essentialSkills { ... on Skill { conceptUri } }`.
    public static func reference(_ name: String, on className: String, _ fields: [GraphQLField]) -> GraphQLField {
        .reference(name, [(className, fields)])
    }

    public var rendered: String {
        switch self {
        case .property(let p): return p
        case .reference(let name, let targets):
            let inner = targets.map {
                "... on \($0.className) { " + $0.fields.map(\.rendered).joined(separator: " ") + " }"
            }
            return name + " { " + inner.joined(separator: " ") + " }"
        }
    }

    public static func == (a: GraphQLField, b: GraphQLField) -> Bool { a.rendered == b.rendered }
}

/// `_additional { ... }` fields.
public struct AdditionalFields: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public static let id = AdditionalFields(rawValue: 1)
    public static let distance = AdditionalFields(rawValue: 2)
    public static let certainty = AdditionalFields(rawValue: 4)
    public static let vector = AdditionalFields(rawValue: 8)
    public static let creationTimeUnix = AdditionalFields(rawValue: 16)
    public static let lastUpdateTimeUnix = AdditionalFields(rawValue: 32)

    var names: [String] {
        [
            (Self.id, "id"), (.distance, "distance"), (.certainty, "certainty"), (.vector, "vector"),
            (.creationTimeUnix, "creationTimeUnix"), (.lastUpdateTimeUnix, "lastUpdateTimeUnix"),
        ]
        .filter { contains($0.0) }.map(\.1)
    }
}

/// `{ Get { Class(where:, nearVector:, sort:, limit:, offset:, after:) { fields _additional { ... } } } }`.
public struct GraphQLGet: Sendable {
    public enum Similarity: Sendable, Equatable {
        case certainty(Double)
        case distance(Double)
    }

    public struct SortKey: Sendable, Equatable {
        public var path: [String]
        public var ascending: Bool
        public init(path: [String], ascending: Bool = true) {
            self.path = path
            self.ascending = ascending
        }
    }

    public var className: String
    public var fields: [GraphQLField]
    public var additional: AdditionalFields
    public var filter: WhereFilter?
    public var sort: [SortKey]
    public var limit: Int?
    public var offset: Int?
    public var after: String?
    public var nearVector: [Float]?
    public var similarity: Similarity?

    public init(
        className: String, fields: [GraphQLField], additional: AdditionalFields = [], filter: WhereFilter? = nil,
        sort: [SortKey] = [], limit: Int? = nil, offset: Int? = nil, after: String? = nil,
        nearVector: [Float]? = nil, similarity: Similarity? = nil
    ) {
        self.className = className
        self.fields = fields
        self.additional = additional
        self.filter = filter
        self.sort = sort
        self.limit = limit
        self.offset = offset
        self.after = after
        self.nearVector = nearVector
        self.similarity = similarity
    }

    public var rendered: String {
        var args: [String] = []
        if let filter { args.append("where: " + filter.rendered) }
        if let nearVector {
            var nv = "vector: [" + nearVector.map { "\($0)" }.joined(separator: ", ") + "]"
            switch similarity {
            case .certainty(let c): nv += ", certainty: \(c)"
            case .distance(let d): nv += ", distance: \(d)"
            case nil: break
            }
            args.append("nearVector: {" + nv + "}")
        }
        if !sort.isEmpty {
            args.append(
                "sort: ["
                    + sort.map {
                        "{path: [" + $0.path.map(graphQLString).joined(separator: ", ") + "], order: "
                            + ($0.ascending ? "asc" : "desc") + "}"
                    }.joined(separator: ", ") + "]")
        }
        if let limit { args.append("limit: \(limit)") }
        if let offset { args.append("offset: \(offset)") }
        if let after { args.append("after: " + graphQLString(after)) }
        var selection = fields.map(\.rendered)
        if !additional.isEmpty { selection.append("_additional { " + additional.names.joined(separator: " ") + " }") }
        let argText = args.isEmpty ? "" : "(" + args.joined(separator: ", ") + ")"
        return "{ Get { \(className)\(argText) { " + selection.joined(separator: " ") + " } } }"
    }
}

/// `{ Aggregate { Class(where: ...) { meta { count } } } }`.
public struct GraphQLAggregate: Sendable {
    public var className: String
    public var filter: WhereFilter?
    public init(className: String, filter: WhereFilter? = nil) {
        self.className = className
        self.filter = filter
    }

    public var rendered: String {
        let args = filter.map { "(where: " + $0.rendered + ")" } ?? ""
        return "{ Aggregate { \(className)\(args) { meta { count } } } }"
    }
}
