public import ESCOCore
import Foundation

/// What `esco-search` reads from a request's query string and body, parsed exactly as the OpenAPI document
/// (`GET /openapi.json`) declares: a value the document calls valid is accepted, any other is a 400 naming
/// the parameter. Pure (no HTTP types), so the fuzz harness and the tests call the very code the service runs.
public enum HTTPRequestParsing {
    /// `GET /search?q=&type=&limit=&min_certainty=`.
    public static func searchQuery(_ rawQuery: String?) throws(SearchError) -> SearchQuery {
        let q = try QueryParameters(rawQuery, allowed: ["q", "type", "limit", "min_certainty"])
        guard let text = q["q"] else { throw .invalid("q", "missing; pass the text to search for, e.g. q=welder") }
        try checkLength(text, max: SearchQuery.maxTextLength, "q")
        var type = ConceptType.all
        if let t = q["type"] {
            // Exact spelling only: the document's enum is lower case (the CLI is more lenient).
            guard let parsed = ConceptType(rawValue: t) else {
                throw .invalid(
                    "type",
                    "unknown type \"\(t.prefix(40))\"; expected one of "
                        + ConceptType.allCases.map(\.rawValue).joined(separator: ", "))
            }
            type = parsed
        }
        var limit = SearchQuery.defaultLimit
        if let l = q["limit"] {
            guard let n = integer(l) else {
                throw .invalid("limit", "\"\(l.prefix(40))\" is not an integer; expected 1 to 100")
            }
            limit = n
        }
        var minCertainty = 0.0
        if let c = q["min_certainty"] {
            guard let d = number(c) else {
                throw .invalid("min_certainty", "\"\(c.prefix(40))\" is not a number; expected 0 to 1")
            }
            minCertainty = d
        }
        return try SearchQuery(text: text, type: type, limit: limit, minCertainty: minCertainty)
    }

    /// `GET /concepts?uri=`: a concept URI only.
    public static func conceptURI(_ rawQuery: String?) throws(SearchError) -> ConceptReference {
        let q = try QueryParameters(rawQuery, allowed: ["uri"])
        guard let uri = q["uri"] else { throw .invalid("uri", "missing; pass uri=<concept URI>") }
        let reference = try ConceptReference.parse(uri, parameter: "uri")
        guard case .uri = reference else {
            throw .invalid(
                "uri",
                "\"\(uri.prefix(80))\" is not a concept URI (http://data.europa.eu/esco/...); "
                    + "look a UUID up with GET /concepts/{id}")
        }
        return reference
    }

    /// `GET /concepts/{id}`: `rawID` is the path after `/concepts/`, still percent-encoded.
    public static func conceptID(path rawID: Substring, query rawQuery: String?) throws(SearchError) -> ConceptReference
    {
        _ = try QueryParameters(rawQuery, allowed: [])
        guard let id = String(rawID).removingPercentEncoding else {
            throw .invalid("id", "invalid percent-encoding in the concept id")
        }
        return try ConceptReference.parse(id)
    }

    /// `POST /enrich` body: a JSON object with exactly `title` and `description` strings.
    public static func enrichment(_ body: [UInt8]) throws(SearchError) -> EnrichmentRequest {
        let json: JSONValue
        do {
            json = try JSONCodec.parse(body)
        } catch {
            throw .invalid("body", "\(error); expected a JSON object {\"title\": \"...\", \"description\": \"...\"}")
        }
        guard case .object(let object) = json else {
            throw .invalid("body", "expected a JSON object {\"title\": \"...\", \"description\": \"...\"}")
        }
        if let unknown = Set(object.keys).subtracting(["title", "description"]).sorted().first {
            throw .invalid(String(unknown.prefix(40)), "unknown field; expected title and description")
        }
        guard let title = object["title"]?.stringValue else {
            throw .invalid("title", object["title"] == nil ? "missing" : "must be a string")
        }
        guard let description = object["description"]?.stringValue else {
            throw .invalid("description", object["description"] == nil ? "missing" : "must be a string")
        }
        try checkLength(title, max: EnrichmentRequest.maxTitleLength, "title")
        try checkLength(description, max: EnrichmentRequest.maxDescriptionLength, "description")
        return try EnrichmentRequest(title: title, description: description)
    }

    /// JSON Schema's `maxLength` counts code points of the value as sent (before trimming).
    static func checkLength(_ s: String, max: Int, _ parameter: String) throws(SearchError) {
        let n = s.unicodeScalars.count
        guard n <= max else {
            throw .invalid(parameter, "\(n) characters; at most \(max) are allowed")
        }
    }

    /// An integer as JSON writes one (`-?(0|[1-9][0-9]*)`); nil otherwise (no `+`, spaces or leading zeros).
    static func integer(_ s: String) -> Int? {
        guard s.utf8.count <= 18, !s.utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 | 0x20 == UInt8(ascii: "e") })
        else { return nil }
        return number(s).flatMap { Int(exactly: $0) }
    }

    /// A number as JSON writes one; nil for `nan`, `inf`, hex floats, `.5`, `+1`, surrounding spaces.
    static func number(_ s: String) -> Double? {
        // JSONCodec skips whitespace around a value; a parameter value must not have any.
        guard s.utf8.count <= 64, !s.utf8.contains(where: { $0 <= 0x20 }),
            case .number(let d)? = try? JSONCodec.parse(s)
        else { return nil }
        return d
    }
}

/// Query strings parsed strictly: an unknown parameter, a repeated one or bad percent-encoding is a 400,
/// so a typo (`min-certainty`) never silently falls back to a default.
public struct QueryParameters: Sendable {
    public private(set) var values: [String: String] = [:]

    public init(_ raw: String?, allowed: Set<String>) throws(SearchError) {
        guard let raw, !raw.isEmpty else { return }
        for pair in raw.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try Self.decode(parts[0], what: "a parameter name")
            let value = parts.count > 1 ? try Self.decode(parts[1], what: "parameter \(name.prefix(40))") : ""
            guard allowed.contains(name) else {
                throw .invalid(
                    name.isEmpty ? "query" : String(name.prefix(40)),
                    "unknown query parameter; allowed: \(allowed.sorted().joined(separator: ", "))")
            }
            guard values[name] == nil else { throw .invalid(name, "given more than once") }
            values[name] = value
        }
    }

    static func decode(_ s: Substring, what: String) throws(SearchError) -> String {
        guard let d = s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding else {
            throw .invalid("query", "invalid percent-encoding in \(what)")
        }
        return d
    }

    public subscript(_ name: String) -> String? { values[name] }
}
