import ESCOConfig
public import ESCOCore
import ESCOSearch
import ESCOStandIns
import Foundation

/// One parser that reads bytes from another program or a person, driven by arbitrary input.
///
/// `run` is what the libFuzzer harness (`Sources/esco-fuzz`, built by `scripts/fuzz`) calls for every generated input, and
/// what `FuzzRegressionTests` calls for every kept seed and crash input in the normal test run. Errors the
/// parsers throw are the expected outcome for bad input; a trap, a leak, a hang or a broken invariant checked
/// here (`precondition`) is a finding.
public enum FuzzTarget: String, CaseIterable, Sendable {
    case json
    case csv
    case zip
    case layout
    case config
    case graphql
    case batch
    case searchQuery = "search-query"
    case searchBody = "search-body"
    case standinHTTP = "standin-http"

    public func run(_ data: [UInt8]) {
        switch self {
        case .json: Self.json(data)
        case .csv: Self.csv(data)
        case .zip: Self.zip(data)
        case .layout: Self.layout(data)
        case .config: Self.config(data)
        case .graphql: Self.graphQL(data)
        case .batch: Self.batch(data)
        case .searchQuery: Self.searchQuery(data)
        case .searchBody: Self.searchBody(data)
        case .standinHTTP: Self.standinHTTP(data)
        }
    }

    /// Parses; a document that parses must survive an encode/parse round trip with the same text.
    static func json(_ data: [UInt8]) {
        guard let value = try? JSONCodec.parse(data) else { return }
        let text = JSONCodec.encode(value)
        guard let again = try? JSONCodec.parse(text) else {
            preconditionFailure("JSONCodec cannot parse its own output: \(String(decoding: text, as: UTF8.self))")
        }
        precondition(JSONCodec.encode(again) == text, "JSONCodec round trip changed the text")
    }

    static func config(_ data: [UInt8]) {
        // Yams reads Swift strings: invalid UTF-8 never reaches it from a file (String(contentsOfFile:) fails first).
        guard let text = String(validating: data, as: UTF8.self) else { return }
        _ = try? ESCOConfiguration.parse(
            yaml: text, file: "fuzz.yaml", profile: "default", environment: [:],
            workingDirectory: "/")
    }

    /// The query string of every GET route, then the same bytes as a `/concepts/{id}` path.
    static func searchQuery(_ data: [UInt8]) {
        let raw = String(decoding: data, as: UTF8.self)
        if let q = try? HTTPRequestParsing.searchQuery(raw) {
            precondition(
                !q.text.isEmpty && SearchQuery.limitRange.contains(q.limit) && (0...1).contains(q.minCertainty))
        }
        _ = try? HTTPRequestParsing.conceptURI(raw)
        _ = try? HTTPRequestParsing.conceptID(path: Substring(raw), query: nil)
    }

    static func searchBody(_ data: [UInt8]) {
        guard let r = try? HTTPRequestParsing.enrichment(data) else { return }
        precondition(!r.title.isEmpty && r.title.count <= EnrichmentRequest.maxTitleLength)
        _ = r.phrases()
    }

    static func standinHTTP(_ data: [UInt8]) {
        let (requests, _) = HTTPRequest.parseAll(data)
        for r in requests { _ = r.segments }
    }
}
