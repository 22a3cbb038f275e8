public import ESCOCore
import ESCOSystem
import Foundation
public import Logging
import Synchronization

/// Something that turns texts into vectors (the client, the caching wrapper, or a test double).
public protocol TextVectorizing: Sendable {
    /// One vector per text, in input order.
    func vectorize(_ texts: [String]) async throws -> [[Float]]
    /// The model that makes these vectors (stored with the ingestion state, compared at readiness).
    func identity() async throws -> VectorizerIdentity
}

/// A failed vectorizer call, naming the URL and what to check.
public struct VectorizerError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String { case connection, http, decoding }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }
        /// The vectorizer could not be reached, or the connection broke or timed out (after retries).
        public static let connection = Code(.connection)
        /// An unexpected HTTP status; see `status`.
        public static let http = Code(.http)
        /// HTTP 200 with a body that is not the expected JSON.
        public static let decoding = Code(.decoding)
        public var description: String { kind.rawValue }
    }

    public var code: Code
    public var baseURL: String
    public var method: String
    public var path: String
    public var status: Int?
    public var message: String
    public var attempts: Int

    public var description: String {
        var s = "vectorizer at \(baseURL): \(method) \(path) failed"
        if let status { s += " with HTTP \(status)" }
        if attempts > 1 { s += " after \(attempts) attempts" }
        return s + ": " + message
    }
}

/// The text2vec-transformers 1.9.7 API: `POST /vectors {"text"}` → `{"vector", "dim"}`, one text per request with
/// up to `maxInFlight` requests in flight. `{"texts": [...]}` → `{"vectors": [...]}` only when
/// `vectorizer.batchTexts` asks for it (no release accepts it).
public final class VectorizerClient: TextVectorizing {
    public let configuration: Configuration
    let caller: ServiceCaller
    /// One attempt, short timeouts: for readiness and status probes, which must answer quickly.
    let probeCaller: ServiceCaller
    let logger: Logger
    /// Texts per request when the server accepts `{"texts": [...]}`.
    public let textsPerRequest: Int
    private let state = Mutex<(batchSupported: Bool?, identity: Identified?)>((nil, nil))

    /// The identity and the digest of the `/meta` document it was read from.
    struct Identified {
        var identity: VectorizerIdentity
        var metaDigest: String
    }

    /// The text whose vector tells the vector size (any text works; a fixed one keeps the probe cheap).
    static let probeText = "esco-stack vectorizer identity probe"

    public init(
        configuration: Configuration, logger: Logger, transport: (any HTTPTransport)? = nil,
        retryPolicy: RetryPolicy? = nil, textsPerRequest: Int = 32
    ) {
        self.configuration = configuration
        self.logger = logger
        self.textsPerRequest = max(1, textsPerRequest)
        caller = ServiceCaller(
            baseURL: configuration.url,
            transport: transport ?? CurlTransport(maxConcurrentRequests: configuration.maxInFlight),
            retry: retryPolicy ?? RetryPolicy(retries: configuration.retries),
            connectTimeout: configuration.connectTimeout, requestTimeout: configuration.requestTimeout,
            defaultHeaders: [], logger: logger)
        probeCaller = ServiceCaller(
            baseURL: configuration.url, transport: caller.transport, retry: RetryPolicy(retries: 0),
            connectTimeout: min(configuration.connectTimeout, .seconds(5)), requestTimeout: .seconds(10),
            defaultHeaders: [],
            logger: logger)
        switch configuration.batchTexts {
        case .always: state.withLock { $0.batchSupported = true }
        case .never: state.withLock { $0.batchSupported = false }
        case .auto: break
        }
    }

    public var url: String { configuration.url }

    /// `GET /.well-known/ready` answered 204 or 200 (one attempt).
    public func isReady() async -> Bool {
        let request = HTTPRequest(
            method: "GET", url: url + "/.well-known/ready",
            connectTimeout: configuration.connectTimeout, timeout: .seconds(10))
        let status = try? await caller.transport.send(request).status
        return status == 204 || status == 200
    }

    /// `GET /meta`.
    public func meta() async throws -> JSONValue {
        let response = try await call("GET", "/meta", body: nil)
        return try decode(response.body, "GET", "/meta")
    }

    /// The configured model and tokenize mode plus what the server reports: `model_type` and `hidden_size`
    /// from `/meta`, and the length of one vector. Read once per client (an ingestion keeps the identity it
    /// started with); `refresh` reads again with one quick attempt (readiness and status probes).
    public func identity(refresh: Bool) async throws -> VectorizerIdentity {
        try await identified(refresh: refresh).identity
    }

    public func identity() async throws -> VectorizerIdentity { try await identity(refresh: false) }

    /// The vector cache key's model part: the configured model and tokenize mode (which `/meta` does not
    /// show) and a digest of the whole `/meta` document (which changes with the served model's config), e.g.
    /// `model=sentence-transformers/all-MiniLM-L6-v2;tokenize=direct;meta=3f2a…`. A change of either never
    /// reads vectors cached under the other.
    public func cacheKey() async throws -> String {
        let id = try await identified(refresh: false)
        return id.identity.configuredTag + ";meta=" + id.metaDigest
    }

    private func identified(refresh: Bool) async throws -> Identified {
        if !refresh, let id = state.withLock({ $0.identity }) { return id }
        let using = refresh ? probeCaller : caller
        let meta = try decode(try await call("GET", "/meta", body: nil, using: using).body, "GET", "/meta")
        let vector = try await single(Self.probeText, using: using)
        let model = meta["model"]
        let identified = Identified(
            identity: VectorizerIdentity(
                model: configuration.model, directTokenize: configuration.directTokenize,
                modelType: model?["model_type"]?.stringValue, hiddenSize: model?["hidden_size"]?.intValue,
                dimensions: vector.count),
            metaDigest: String(SHA256.hex(JSONCoding.canonical(meta)).prefix(16)))
        if !refresh { state.withLock { $0.identity = identified } }
        return identified
    }

    /// Vectors for `texts` in input order, with up to `maxInFlight` requests in flight.
    public func vectorize(_ texts: [String]) async throws -> [[Float]] {
        if texts.isEmpty { return [] }
        var batched = state.withLock { $0.batchSupported }
        var results = [[Float]?](repeating: nil, count: texts.count)
        var start = 0
        if batched == nil {
            // Probe with real work: the first chunk either comes back vectorised or tells us to fall back.
            let first = Array(texts.prefix(textsPerRequest))
            if let vectors = try await probeBatch(first) {
                for (i, v) in vectors.enumerated() { results[i] = v }
                start = first.count
                batched = true
            } else {
                batched = false
            }
            state.withLock { $0.batchSupported = batched }
            logger.debug("vectorizer batch support probed", metadata: ["texts": "\(batched == true)"])
        }
        let size = batched == true ? textsPerRequest : 1
        let chunks = stride(from: start, to: texts.count, by: size).map { $0..<min(texts.count, $0 + size) }
        try await withThrowingTaskGroup(of: (Range<Int>, [[Float]]).self) { group in
            var next = 0
            func add() {
                let range = chunks[next]
                next += 1
                let slice = Array(texts[range])
                group.addTask {
                    (range, size == 1 ? [try await self.single(slice[0])] : try await self.batch(slice))
                }
            }
            while next < chunks.count && next < configuration.maxInFlight { add() }
            while let (range, vectors) = try await group.next() {
                for (i, v) in zip(range, vectors) { results[i] = v }
                if next < chunks.count { add() }
            }
        }
        return results.map { $0 ?? [] }
    }

    private func single(_ text: String, using: ServiceCaller? = nil) async throws -> [Float] {
        let response = try await call("POST", "/vectors", body: ["text": .string(text)], using: using)
        let json = try decode(response.body, "POST", "/vectors")
        guard let v = floats(json["vector"]) else { throw malformed("no \"vector\" array") }
        return v
    }

    private func batch(_ texts: [String]) async throws -> [[Float]] {
        let response = try await call("POST", "/vectors", body: ["texts": .array(texts.map { .string($0) })])
        let json = try decode(response.body, "POST", "/vectors")
        guard let list = json["vectors"]?.arrayValue, list.count == texts.count else {
            throw malformed("expected \(texts.count) vectors in \"vectors\"")
        }
        return try list.map {
            guard let v = floats($0) else { throw malformed("a vector is not numbers") }; return v
        }
    }

    /// nil when the server rejects `{"texts"}` with a 4xx (older servers answer 422: `text` missing).
    private func probeBatch(_ texts: [String]) async throws -> [[Float]]? {
        do {
            return try await batch(texts)
        } catch let error as VectorizerError where (400...499).contains(error.status ?? 0) && error.status != 429 {
            return nil
        } catch let error as VectorizerError where error.status == 200 {
            return nil
        }
    }

    private func floats(_ v: JSONValue?) -> [Float]? {
        guard let a = v?.arrayValue else { return nil }
        var out = [Float]()
        out.reserveCapacity(a.count)
        for x in a {
            guard let d = x.doubleValue else { return nil }
            out.append(Float(d))
        }
        return out
    }

    private func malformed(_ what: String) -> VectorizerError {
        VectorizerError(
            code: .decoding, baseURL: url, method: "POST", path: "/vectors", status: 200,
            message: "unexpected response: \(what)", attempts: 1)
    }

    private func decode(_ body: [UInt8], _ method: String, _ path: String) throws -> JSONValue {
        do { return try JSONCoding.decode(body) } catch {
            throw VectorizerError(
                code: .decoding, baseURL: url, method: method, path: path, status: 200,
                message: "the response is not JSON", attempts: 1)
        }
    }

    private func call(
        _ method: String, _ path: String, body: JSONValue?, using: ServiceCaller? = nil
    ) async throws -> HTTPResponse {
        let bytes = try body.map { try JSONCoding.encode($0) }
        let outcome: ServiceCaller.Outcome
        do {
            outcome = try await (using ?? caller).call(method, path, body: bytes)
        } catch let failure as ServiceCaller.Failure {
            throw VectorizerError(
                code: .connection, baseURL: url, method: method, path: path, status: nil,
                message: failure.transport.message
                    + "; check vectorizer.url (or T2V_URL) and that the vectorizer is running",
                attempts: failure.attempts)
        }
        guard outcome.response.status == 200 else {
            let detail = Self.errorDetail(outcome.response.body)
            throw VectorizerError(
                code: .http, baseURL: url, method: method, path: path, status: outcome.response.status,
                message: detail.isEmpty ? "unexpected status (empty body)" : detail,
                attempts: outcome.attempts)
        }
        return outcome.response
    }
}

extension VectorizerClient {
    /// Longest error detail quoted from a response body.
    static let maxDetail = 300

    /// What a t2v-transformers error body says, at most `maxDetail` characters: app.py's `{"error": "..."}`
    /// (500 from the model, 401), FastAPI's `{"detail": "Not Found"}` (404/405) and its validation list
    /// `{"detail": [{"loc": [...], "msg": ..., "type": ...}]}` (422) as `body.text: Field required (missing)`;
    /// any other body verbatim.
    static func errorDetail(_ body: [UInt8]) -> String {
        let text: String
        if let json = try? JSONCoding.decode(body), json.objectValue != nil {
            if let e = json["error"]?.stringValue {
                text = e
            } else if let d = json["detail"]?.stringValue {
                text = d
            } else if let list = json["detail"]?.arrayValue {
                text = list.map { item -> String in
                    let loc =
                        item["loc"]?.arrayValue?.map { $0.stringValue ?? $0.intValue.map(String.init) ?? "?" }
                        .joined(separator: ".") ?? "?"
                    let type = item["type"]?.stringValue.map { " (\($0))" } ?? ""
                    return "\(loc): \(item["msg"]?.stringValue ?? "invalid")\(type)"
                }.joined(separator: "; ")
            } else {
                text = String(decoding: body, as: UTF8.self)
            }
        } else {
            text = String(decoding: body, as: UTF8.self)
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.count > maxDetail ? String(trimmed.prefix(maxDetail)) + "…" : trimmed
    }
}
