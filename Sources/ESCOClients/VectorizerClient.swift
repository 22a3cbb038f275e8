import CCrypto
public import ESCOConfig
public import ESCOCore
import Foundation
public import Logging
import Synchronization

/// Something that turns texts into vectors (the client, the caching wrapper, or a test double).
public protocol TextVectorizing: Sendable {
    /// One vector per text, in input order.
    func vectorize(_ texts: [String]) async throws -> [[Float]]
}

/// A failed vectorizer call, naming the URL and what to check.
public struct VectorizerError: Error, CustomStringConvertible, Sendable {
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

/// The text2vec-transformers API: `POST /vectors {"text"}` → `{"vector"}`, and on newer servers
/// `{"texts": [...]}` → `{"vectors": [...]}`. Keeps up to `maxInFlight` requests in flight.
public final class VectorizerClient: TextVectorizing {
    public let configuration: ESCOConfiguration.Vectorizer
    let caller: ServiceCaller
    let logger: Logger
    /// Texts per request when the server accepts `{"texts": [...]}`.
    public let textsPerRequest: Int
    private let state = Mutex<(batchSupported: Bool?, identity: String?)>((nil, nil))

    public init(
        configuration: ESCOConfiguration.Vectorizer, logger: Logger, transport: (any HTTPTransport)? = nil,
        retryPolicy: RetryPolicy? = nil, textsPerRequest: Int = 32
    ) {
        self.configuration = configuration
        self.logger = logger
        self.textsPerRequest = max(1, textsPerRequest)
        caller = ServiceCaller(
            baseURL: configuration.url,
            transport: transport ?? CurlTransport(maxConcurrentRequests: configuration.maxInFlight),
            retry: retryPolicy ?? RetryPolicy(retries: configuration.retries),
            connectTimeout: configuration.connectTimeoutSeconds, requestTimeout: configuration.requestTimeoutSeconds,
            defaultHeaders: [], logger: logger)
        switch configuration.batchTexts {
        case .always: state.withLock { $0.batchSupported = true }
        case .never: state.withLock { $0.batchSupported = false }
        case .auto: break
        }
    }

    public var url: String { configuration.url }

    /// `GET /.well-known/ready` answered 204 or 200 (one attempt).
    public func isReady() async -> Bool {
        let request = HTTPRequest(method: "GET", url: url + "/.well-known/ready",
                                  connectTimeoutSeconds: configuration.connectTimeoutSeconds, timeoutSeconds: 10)
        let status = try? await caller.transport.send(request).status
        return status == 204 || status == 200
    }

    /// `GET /meta`.
    public func meta() async throws -> JSONValue {
        let response = try await call("GET", "/meta", body: nil)
        return try decode(response.body, "GET", "/meta")
    }

    /// Model name plus a hash of the whole `/meta` document, e.g.
    /// `sentence-transformers/all-MiniLM-L6-v2/3f2a…`: a different model or config gives a different identity,
    /// so cached vectors are never mixed across models.
    public func modelIdentity() async throws -> String {
        if let id = state.withLock({ $0.identity }) { return id }
        let meta = try await meta()
        let model = meta["model"]
        let name = model?["_name_or_path"]?.stringValue ?? model?["name"]?.stringValue
            ?? meta["model_name"]?.stringValue ?? "unknown-model"
        let id = name + "/" + SHA256.hex(JSONCoding.canonical(meta)).prefix(16)
        state.withLock { $0.identity = id }
        return id
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

    private func single(_ text: String) async throws -> [Float] {
        let response = try await call("POST", "/vectors", body: ["text": .string(text)])
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
        return try list.map { guard let v = floats($0) else { throw malformed("a vector is not numbers") }; return v }
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
        VectorizerError(baseURL: url, method: "POST", path: "/vectors", status: 200,
                        message: "unexpected response: \(what)", attempts: 1)
    }

    private func decode(_ body: [UInt8], _ method: String, _ path: String) throws -> JSONValue {
        do { return try JSONCoding.decode(body) } catch {
            throw VectorizerError(baseURL: url, method: method, path: path, status: 200,
                                  message: "the response is not JSON", attempts: 1)
        }
    }

    private func call(_ method: String, _ path: String, body: JSONValue?) async throws -> HTTPResponse {
        let bytes = try body.map { try JSONCoding.encode($0) }
        let outcome: ServiceCaller.Outcome
        do {
            outcome = try await caller.call(method, path, body: bytes)
        } catch let failure as ServiceCaller.Failure {
            throw VectorizerError(baseURL: url, method: method, path: path, status: nil,
                                  message: failure.transport.message
                                      + "; check vectorizer.url (or T2V_URL) and that the vectorizer is running",
                                  attempts: failure.attempts)
        }
        guard outcome.response.status == 200 else {
            let detail = WeaviateError.messages(in: outcome.response.body).joined(separator: "; ")
            throw VectorizerError(baseURL: url, method: method, path: path, status: outcome.response.status,
                                  message: detail.isEmpty ? "unexpected status" : detail, attempts: outcome.attempts)
        }
        return outcome.response
    }
}

/// SHA-256 over OpenSSL (CCrypto).
enum SHA256 {
    static func digest(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        guard let ctx = esco_sha256_new() else { return out }
        bytes.withUnsafeBytes { _ = esco_sha256_update(ctx, $0.baseAddress, $0.count) }
        _ = out.withUnsafeMutableBufferPointer { esco_sha256_final(ctx, $0.baseAddress) }
        return out
    }

    static func hex(_ bytes: [UInt8]) -> String {
        digest(bytes).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
