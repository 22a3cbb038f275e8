import ESCOCore
import Foundation

/// A GraphQL `where` argument, compiled once and evaluated per object.
indirect enum WhereFilter {
    case and([WhereFilter])
    case or([WhereFilter])
    case not(WhereFilter)
    /// `valueKey` is the argument that carried the value (`valueText`, `valueInt`, ...): Weaviate checks it.
    case leaf(path: [String], op: String, value: JSONValue, valueKey: String)
    /// A leaf on a property of the queried class, with its definition resolved at parse time.
    case resolved(property: String, op: String, value: JSONValue, dataType: String, tokenization: String)

    static let leafOperators: Set<String> = [
        "Equal", "NotEqual", "Like", "ContainsAny", "ContainsAll", "GreaterThan", "GreaterThanEqual", "LessThan",
        "LessThanEqual", "IsNull",
    ]

    static func parse(_ v: JSONValue) throws -> WhereFilter {
        guard let op = v["operator"]?.stringValue else {
            throw GQLFailure("invalid 'where' filter: operator is required")
        }
        switch op {
        case "And", "Or", "Not":
            let parts = try (v["operands"]?.arrayValue ?? []).map(parse)
            if op == "Not" {
                guard parts.count == 1 else {
                    throw GQLFailure("invalid 'where' filter: Not needs exactly one operand")
                }
                return .not(parts[0])
            }
            guard !parts.isEmpty else { throw GQLFailure("invalid 'where' filter: \(op) needs operands") }
            return op == "And" ? .and(parts) : .or(parts)
        default:
            guard leafOperators.contains(op) else { throw GQLFailure("invalid 'where' filter: unknown operator \(op)") }
            guard let path = v["path"]?.arrayValue?.compactMap(\.stringValue), !path.isEmpty else {
                throw GQLFailure("invalid 'where' filter: path is required for operator \(op)")
            }
            guard let (key, value) = v.objectValue?.first(where: { $0.key.hasPrefix("value") }) else {
                throw GQLFailure("invalid 'where' filter: a value (valueText, valueInt, ...) is required for \(op)")
            }
            return .leaf(path: path, op: op, value: value, valueKey: key)
        }
    }

    func matches(_ o: StoredObject, _ s: WeaviateStore) -> Bool {
        switch self {
        case .and(let parts): return parts.allSatisfy { $0.matches(o, s) }
        case .or(let parts): return parts.contains { $0.matches(o, s) }
        case .not(let f): return !f.matches(o, s)
        case .leaf(let path, let op, let value, _): return Self.leaf(path[...], op, value, o, s)
        case .resolved(let name, let op, let value, let dataType, let tokenization):
            return Self.check(op, o.properties[name], value, dataType: dataType, tokenization: tokenization)
        }
    }

    /// Resolves single-property leaves against `className` so evaluation skips schema lookups.
    func resolved(for className: String, in s: WeaviateStore) -> WhereFilter {
        switch self {
        case .and(let parts): return .and(parts.map { $0.resolved(for: className, in: s) })
        case .or(let parts): return .or(parts.map { $0.resolved(for: className, in: s) })
        case .not(let f): return .not(f.resolved(for: className, in: s))
        case .resolved: return self
        case .leaf(let path, let op, let value, _):
            guard path.count == 1, path[0] != "id", path[0] != "_id" else { return self }
            let def = s.property(className, path[0])
            return .resolved(
                property: path[0], op: op, value: value,
                dataType: def?["dataType"]?.arrayValue?.first?.stringValue ?? "text",
                tokenization: def?["tokenization"]?.stringValue ?? "word")
        }
    }

    static func check(_ op: String, _ actual: JSONValue?, _ value: JSONValue, dataType: String, tokenization: String)
        -> Bool
    {
        if op == "IsNull" {
            let isNull = actual == nil || actual!.isNull || actual!.arrayValue?.isEmpty == true
            return isNull == (value.boolValue ?? true)
        }
        guard let actual, !actual.isNull else { return op == "NotEqual" }
        return compare(op, actual, value, dataType: dataType, tokenization: tokenization)
    }

    private static func leaf(
        _ path: ArraySlice<String>, _ op: String, _ value: JSONValue, _ o: StoredObject, _ s: WeaviateStore
    ) -> Bool {
        let name = path.first!
        if path.count >= 3 {
            // Reference hop: [refProp, TargetClass, ...rest].
            let target = path[path.startIndex + 1]
            let hits = (o.properties[name]?.arrayValue ?? []).contains { ref in
                guard let b = ref["beacon"]?.stringValue.flatMap(Beacon.init), (b.className ?? target) == target,
                    let t = s.objects[target]?[b.id]
                else { return false }
                return leaf(path.dropFirst(2), op, value, t, s)
            }
            return hits
        }
        if name == "id" || name == "_id" {
            // The `_id` index holds the stored id's text and the filter's bytes are looked up as given
            // (adapters/repos/db/inverted/searcher.go extractIDProp): an upper-case id matches nothing.
            let eq = value.stringValue == o.id
            switch op {
            case "Equal": return eq
            case "NotEqual": return !eq
            default: return compare(op, .string(o.id), value, dataType: "text", tokenization: "field")
            }
        }
        let def = s.property(o.className, name)
        let dataType = def?["dataType"]?.arrayValue?.first?.stringValue ?? "text"
        let tokenization = def?["tokenization"]?.stringValue ?? "word"
        return check(op, o.properties[name], value, dataType: dataType, tokenization: tokenization)
    }

    static func compare(_ op: String, _ actual: JSONValue, _ filter: JSONValue, dataType: String, tokenization: String)
        -> Bool
    {
        let elements = actual.arrayValue ?? [actual]
        let isText = dataType.hasPrefix("text") || dataType.hasPrefix("string") || dataType.hasPrefix("uuid")
        switch op {
        case "Equal", "NotEqual":
            let eq: Bool
            if isText, let f = filter.stringValue {
                if tokenization == "field" || dataType.hasPrefix("uuid") {
                    let target =
                        dataType.hasPrefix("uuid") ? f.lowercased() : f.trimmingCharacters(in: .whitespacesAndNewlines)
                    eq = elements.contains {
                        ($0.stringValue ?? "").trimmingCharacters(in: .whitespacesAndNewlines) == target
                    }
                } else {
                    let have = Set(elements.flatMap { tokenize($0.stringValue ?? "", tokenization) })
                    let want = tokenize(f, tokenization)
                    eq = !want.isEmpty && want.allSatisfy(have.contains)
                }
            } else {
                eq = elements.contains { order($0, filter, dataType) == .orderedSame }
            }
            return op == "Equal" ? eq : !eq
        case "Like":
            guard let pattern = filter.stringValue else { return false }
            let ci = tokenization != "field" && tokenization != "whitespace"
            if tokenization == "field" {
                return elements.contains { glob(pattern, $0.stringValue ?? "", caseInsensitive: false) }
            }
            let tokens = elements.flatMap { tokenize($0.stringValue ?? "", tokenization) }
            let pats =
                tokenization == "word"
                ? pattern.lowercased().split(whereSeparator: \.isWhitespace).map(String.init) : [pattern]
            return pats.allSatisfy { p in tokens.contains { glob(p, $0, caseInsensitive: ci) } }
        case "ContainsAny", "ContainsAll":
            let wanted = filter.arrayValue ?? [filter]
            if isText {
                let have = Set(elements.flatMap { tokenize($0.stringValue ?? "", tokenization) })
                let want = wanted.flatMap { tokenize($0.stringValue ?? "", tokenization) }
                return op == "ContainsAny" ? want.contains(where: have.contains) : want.allSatisfy(have.contains)
            }
            let hit = { (w: JSONValue) in elements.contains { order($0, w, dataType) == .orderedSame } }
            return op == "ContainsAny" ? wanted.contains(where: hit) : wanted.allSatisfy(hit)
        default:
            return elements.contains { e in
                guard let r = order(e, filter, dataType) else { return false }
                switch op {
                case "GreaterThan": return r == .orderedDescending
                case "GreaterThanEqual": return r != .orderedAscending
                case "LessThan": return r == .orderedAscending
                case "LessThanEqual": return r != .orderedDescending
                default: return false
                }
            }
        }
    }

    /// Orders two scalars: numbers numerically, dates as instants, strings by code points.
    static func order(_ a: JSONValue, _ b: JSONValue, _ dataType: String) -> ComparisonResult? {
        if let x = a.doubleValue, let y = b.doubleValue {
            return x < y ? .orderedAscending : x > y ? .orderedDescending : .orderedSame
        }
        if let x = a.boolValue, let y = b.boolValue {
            return x == y ? .orderedSame : (!x ? .orderedAscending : .orderedDescending)
        }
        guard let x = a.stringValue, let y = b.stringValue else { return nil }
        if dataType.hasPrefix("date"), let dx = parseDate(x), let dy = parseDate(y) {
            return dx < dy ? .orderedAscending : dx > dy ? .orderedDescending : .orderedSame
        }
        return x < y ? .orderedAscending : x > y ? .orderedDescending : .orderedSame
    }

    static func tokenize(_ s: String, _ tokenization: String) -> [String] {
        switch tokenization {
        case "field": return [s.trimmingCharacters(in: .whitespacesAndNewlines)]
        case "whitespace": return s.split(whereSeparator: \.isWhitespace).map(String.init)
        case "lowercase": return s.lowercased().split(whereSeparator: \.isWhitespace).map(String.init)
        default: return s.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
        }
    }

    /// Weaviate's Like wildcards: `*` any run, `?` one character.
    static func glob(_ pattern: String, _ text: String, caseInsensitive: Bool) -> Bool {
        let p = Array(caseInsensitive ? pattern.lowercased() : pattern)
        let t = Array(caseInsensitive ? text.lowercased() : text)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "?" || p[pi] == t[ti] {
                pi += 1; ti += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi; mark = ti; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}

/// A GraphQL resolver failure; becomes an entry of `errors[]` in a 200 answer.
struct GQLFailure: Error {
    let message: String
    var line = 1
    var column = 1
    var validation = false
    init(_ message: String, line: Int = 1, column: Int = 1, validation: Bool = false) {
        self.message = message
        self.line = line
        self.column = column
        self.validation = validation
    }
}
