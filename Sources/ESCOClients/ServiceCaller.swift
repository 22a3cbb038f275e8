import ESCOCore
import Foundation
import Logging

/// Sends requests to one service with its timeouts, headers and retry policy.
/// Returns the last HTTP response (whatever its status) or throws the last transport failure.
struct ServiceCaller: Sendable {
    let baseURL: String
    let transport: any HTTPTransport
    let retry: RetryPolicy
    let connectTimeout: Duration
    let requestTimeout: Duration
    let defaultHeaders: [(String, String)]
    let logger: Logger

    struct Failure: Error {
        var transport: TransportError
        var attempts: Int
    }

    struct Outcome {
        var response: HTTPResponse
        var attempts: Int
    }

    /// - Parameter pathAndQuery: starts with "/", already percent-encoded.
    func call(
        _ method: String, _ pathAndQuery: String, body: [UInt8]? = nil, idempotent: Bool = true,
        timeout: Duration? = nil
    ) async throws -> Outcome {
        var headers = defaultHeaders
        if body != nil { headers.append(("Content-Type", "application/json")) }
        headers.append(("Accept", "application/json"))
        let request = HTTPRequest(
            method: method, url: baseURL + pathAndQuery, headers: headers, body: body,
            connectTimeout: connectTimeout, timeout: timeout ?? requestTimeout)
        var attempt = 0
        while true {
            attempt += 1
            try Task.checkCancellation()
            let last = attempt >= retry.maxAttempts
            do {
                let response = try await transport.send(request)
                if last || !RetryPolicy.isRetryable(status: response.status, idempotent: idempotent) {
                    return Outcome(response: response, attempts: attempt)
                }
                let after = response.headers["retry-after"].flatMap(Double.init).flatMap(Self.retryAfter)
                let delay = retry.delay(beforeRetry: attempt - 1, retryAfter: after)
                logger.debug(
                    "retrying after HTTP status",
                    metadata: [
                        "method": "\(method)", "url": "\(request.url)", "status": "\(response.status)",
                        "attempt": "\(attempt)", "delay": "\(delay)",
                    ])
                try await retry.sleep(delay)
            } catch let error as TransportError {
                if last || !RetryPolicy.isRetryable(error, idempotent: idempotent) {
                    throw Failure(transport: error, attempts: attempt)
                }
                let delay = retry.delay(beforeRetry: attempt - 1)
                logger.debug(
                    "retrying after transport failure",
                    metadata: [
                        "method": "\(method)", "url": "\(request.url)", "error": "\(error.code)",
                        "attempt": "\(attempt)", "delay": "\(delay)",
                    ])
                try await retry.sleep(delay)
            }
        }
    }

    /// A `Retry-After` of seconds as a delay; nil when negative, not finite or over an hour (a hostile
    /// `1e300` must neither trap the conversion nor stall the caller).
    static func retryAfter(_ seconds: Double) -> Duration? {
        guard seconds.isFinite, seconds >= 0, seconds <= 3600 else { return nil }
        return .milliseconds(Int(seconds * 1000))
    }
}

/// Percent-encodes one path segment or query value.
func escapeComponent(_ s: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
}

enum JSONCoding {
    // JSONCodec, not Foundation's coders: a batch carries ~80k vector components each way, and the
    // JSONDecoder path through `JSONValue.init(from:)` dominated ingestion CPU time.
    static func encode(_ value: JSONValue) throws -> [UInt8] { JSONCodec.encode(value) }

    /// `dropping`: member names whose values are checked but not kept (`JSONCodec.parse`).
    static func decode(_ bytes: [UInt8], dropping: Set<String> = []) throws -> JSONValue {
        try JSONCodec.parse(bytes, dropping: dropping)
    }

    /// Sorted keys: the same value always gives the same bytes (used for hashing).
    static func canonical(_ value: JSONValue) -> [UInt8] { JSONCodec.encode(value) }
}
