public import ESCOCore
import Foundation
public import Logging

/// Weaviate over REST and GraphQL (docs/ARCHITECTURE.md#weaviate-model, docs/weaviate-compat.md). Stateless apart
/// from its configuration, so one instance is shared by every task.
public final class WeaviateClient: Sendable {
    public let configuration: Configuration
    let caller: ServiceCaller
    let logger: Logger

    /// - Parameters:
    ///   - transport: defaults to a `CurlTransport`; tests may pass another.
    ///   - retryPolicy: defaults to `configuration.retries` with real sleeps.
    public init(
        configuration: Configuration, logger: Logger, transport: (any HTTPTransport)? = nil,
        retryPolicy: RetryPolicy? = nil
    ) {
        self.configuration = configuration
        self.logger = logger
        var headers: [(String, String)] = []
        // An anonymous Weaviate rejects any bearer header, so send one only when a key is configured.
        if let key = configuration.apiKey, !key.value.isEmpty {
            headers.append(("Authorization", "Bearer \(key.value)"))
        }
        caller = ServiceCaller(
            baseURL: configuration.url, transport: transport ?? CurlTransport(maxConcurrentRequests: 16),
            retry: retryPolicy ?? RetryPolicy(retries: configuration.retries),
            connectTimeout: configuration.connectTimeout, requestTimeout: configuration.requestTimeout,
            defaultHeaders: headers, logger: logger)
    }

    /// The base URL, for messages.
    public var url: String { configuration.url }

    // MARK: Health

    /// `GET /v1/.well-known/ready` answered 200 (one attempt, no retries: callers poll).
    public func isReady() async -> Bool { await probe("/v1/.well-known/ready") }

    /// `GET /v1/.well-known/live` answered 200.
    public func isLive() async -> Bool { await probe("/v1/.well-known/live") }

    private func probe(_ path: String) async -> Bool {
        let request = HTTPRequest(
            method: "GET", url: url + path, headers: caller.defaultHeaders,
            connectTimeout: configuration.connectTimeout,
            timeout: min(configuration.requestTimeout, .seconds(10)))
        return (try? await caller.transport.send(request).status) == 200
    }

    /// `GET /v1/meta` (the server's version is `meta()["version"]`).
    public func meta() async throws -> JSONValue {
        try await json("GET", "/v1/meta", expect: [200])
    }

    // MARK: Plumbing shared by the extensions

    /// Performs a call and maps transport failures and unexpected statuses to `WeaviateError`.
    /// `encoded`: a body already serialised (batch bodies are written straight to bytes), instead of `body`.
    func send(
        _ method: String, _ path: String, query: [(String, String)] = [], body: JSONValue? = nil,
        encoded: [UInt8]? = nil, expect: Set<Int>, idempotent: Bool = true
    ) async throws -> HTTPResponse {
        let bytes = try encoded ?? body.map { try JSONCoding.encode($0) }
        var pathAndQuery = path
        if !query.isEmpty {
            pathAndQuery += "?" + query.map { "\($0.0)=\(escapeComponent($0.1))" }.joined(separator: "&")
        }
        let outcome: ServiceCaller.Outcome
        do {
            outcome = try await caller.call(method, pathAndQuery, body: bytes, idempotent: idempotent)
        } catch let failure as ServiceCaller.Failure {
            let code: WeaviateError.Code =
                switch failure.transport.code {
                case .timeout: .timeout
                case .tls: .tls
                default: .connection
                }
            throw WeaviateError(
                code: code, baseURL: url, method: method, path: path, attempts: failure.attempts,
                underlying: failure.transport)
        }
        let response = outcome.response
        guard expect.contains(response.status) else {
            throw WeaviateError(
                code: .http, baseURL: url, method: method, path: path, status: response.status,
                serverMessages: WeaviateError.messages(in: response.body), attempts: outcome.attempts)
        }
        return response
    }

    func json(
        _ method: String, _ path: String, query: [(String, String)] = [], body: JSONValue? = nil,
        expect: Set<Int>, idempotent: Bool = true
    ) async throws -> JSONValue {
        let response = try await send(method, path, query: query, body: body, expect: expect, idempotent: idempotent)
        return try decode(response.body, method, path)
    }

    /// `dropping`: member names whose values are not kept (`JSONCodec.parse`).
    func decode(_ body: [UInt8], _ method: String, _ path: String, dropping: Set<String> = []) throws -> JSONValue {
        do {
            return try JSONCoding.decode(body, dropping: dropping)
        } catch {
            throw WeaviateError(
                code: .decoding, baseURL: url, method: method, path: path,
                detail: "the body is not JSON", underlying: error)
        }
    }

    /// `consistency_level` when configured (object and batch endpoints).
    var consistencyQuery: [(String, String)] {
        configuration.consistencyLevel.map { [("consistency_level", $0.rawValue)] } ?? []
    }
}
