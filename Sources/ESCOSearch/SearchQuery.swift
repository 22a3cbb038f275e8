import ESCOCore
import Foundation

/// A validated search request: every value is in range, so the backend never sees bad input.
public struct SearchQuery: Sendable, Hashable {
    public static let maxTextLength = 500
    public static let limitRange = 1...100
    public static let defaultLimit = 10

    /// The query text, trimmed, 1...500 characters.
    public let text: String
    public let type: ConceptType
    public let limit: Int
    /// Results with a score below this are left out (0...1).
    public let minCertainty: Double

    /// - Throws: `SearchError` (400) naming the parameter and the accepted range.
    public init(
        text: String, type: ConceptType = .all, limit: Int = SearchQuery.defaultLimit, minCertainty: Double = 0
    ) throws(SearchError) {
        let trimmed = text.trimmingWhiteSpace()
        guard !trimmed.isEmpty else { throw .invalid("q", "the query is empty; pass the text to search for") }
        guard trimmed.count <= Self.maxTextLength else {
            throw .invalid("q", "the query has \(trimmed.count) characters; at most \(Self.maxTextLength) are allowed")
        }
        guard Self.limitRange.contains(limit) else {
            throw .invalid("limit", "\(limit) is out of range; expected 1 to 100")
        }
        guard minCertainty.isFinite, (0...1).contains(minCertainty) else {
            throw .invalid("min_certainty", "\(minCertainty) is out of range; expected a number from 0 to 1")
        }
        self.text = trimmed
        self.type = type
        self.limit = limit
        self.minCertainty = minCertainty
    }

    /// Builds a query from text parameters as they arrive over HTTP or the command line (nil: default).
    public static func parse(
        text: String?, type: String?, limit: String?, minCertainty: String?
    ) throws(SearchError) -> SearchQuery {
        guard let text else { throw .invalid("q", "missing; pass the text to search for, e.g. q=welder") }
        let t = try type.map { (s: String) throws(SearchError) in try ConceptType.parse(s) } ?? .all
        var n = defaultLimit
        if let limit {
            guard let v = Int(limit.trimmingCharacters(in: .whitespaces)) else {
                throw .invalid("limit", "\"\(limit.prefix(40))\" is not an integer; expected 1 to 100")
            }
            n = v
        }
        var c = 0.0
        if let minCertainty {
            guard let v = Double(minCertainty.trimmingCharacters(in: .whitespaces)) else {
                throw .invalid("min_certainty", "\"\(minCertainty.prefix(40))\" is not a number; expected 0 to 1")
            }
            c = v
        }
        return try SearchQuery(text: text, type: t, limit: n, minCertainty: c)
    }
}

/// How a caller names a concept: its ESCO URI or its Weaviate object id.
public enum ConceptReference: Sendable, Hashable, CustomStringConvertible {
    case uri(String)
    case id(String)

    /// Longest concept URI accepted.
    public static let maxURILength = 300

    /// Accepts exactly what the OpenAPI document's `ConceptID` pattern does: a UUID (8-4-4-4-12 hex digits,
    /// either case) or `http(s)://data.europa.eu/esco/` followed by ASCII letters, digits and `-._~/`, at most
    /// 300 characters in all. Anything else (surrounding spaces included) is a 400 naming `parameter`.
    public static func parse(_ text: String, parameter: String = "id") throws(SearchError) -> ConceptReference {
        let s = text
        if s.utf8.count == 36, ObjectID.isUUID(s), s.utf8.allSatisfy({ $0 < 0x80 }) {
            return .id(s.lowercased())
        }
        for prefix in ["http://data.europa.eu/esco/", "https://data.europa.eu/esco/"] where s.hasPrefix(prefix) {
            let rest = s.utf8.dropFirst(prefix.utf8.count)
            let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/".utf8)
            guard !rest.isEmpty, s.utf8.count <= maxURILength, rest.allSatisfy(allowed.contains) else { break }
            // ESCO URIs are published with http; accept https as the same concept.
            return .uri("http://data.europa.eu/esco/" + String(decoding: rest, as: UTF8.self))
        }
        throw .invalid(
            parameter, "\"\(s.prefix(80))\" is neither a concept URI (http://data.europa.eu/esco/...) nor a UUID")
    }

    /// The Weaviate object id (UUIDv5 of the URI, docs/ARCHITECTURE.md#object-ids).
    public var objectID: String {
        switch self {
        case .uri(let u): ObjectID.uuid5(u)
        case .id(let i): i
        }
    }

    public var description: String {
        switch self {
        case .uri(let u): u
        case .id(let i): i
        }
    }
}

extension String {
    /// Without leading and trailing Unicode White_Space code points: exactly the set the OpenAPI document's
    /// "at least one non-space character" pattern excludes, so the document and the service agree.
    public func trimmingWhiteSpace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
