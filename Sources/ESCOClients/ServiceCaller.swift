import ESCOCore
import Foundation
import Logging

/// Sends requests to one service with its timeouts, headers and retry policy.
/// Returns the last HTTP response (whatever its status) or throws the last transport failure.
struct ServiceCaller: Sendable {
    let baseURL: String
    let transport: any HTTPTransport
    let retry: RetryPolicy
    let connectTimeout: Double
    let requestTimeout: Double
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
        timeout: Double? = nil
    ) async throws -> Outcome {
        var headers = defaultHeaders
        if body != nil { headers.append(("Content-Type", "application/json")) }
        headers.append(("Accept", "application/json"))
        let request = HTTPRequest(method: method, url: baseURL + pathAndQuery, headers: headers, body: body,
                                  connectTimeoutSeconds: connectTimeout, timeoutSeconds: timeout ?? requestTimeout)
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
                let after = response.headers["retry-after"].flatMap(Double.init).map { Duration.milliseconds(Int($0 * 1000)) }
                let delay = retry.delay(beforeRetry: attempt - 1, retryAfter: after)
                logger.debug("retrying after HTTP status", metadata: [
                    "method": "\(method)", "url": "\(request.url)", "status": "\(response.status)",
                    "attempt": "\(attempt)", "delay": "\(delay)",
                ])
                try await retry.sleep(delay)
            } catch let error as TransportError {
                if last || !RetryPolicy.isRetryable(error, idempotent: idempotent) {
                    throw Failure(transport: error, attempts: attempt)
                }
                let delay = retry.delay(beforeRetry: attempt - 1)
                logger.debug("retrying after transport failure", metadata: [
                    "method": "\(method)", "url": "\(request.url)", "error": "\(error.code)",
                    "attempt": "\(attempt)", "delay": "\(delay)",
                ])
                try await retry.sleep(delay)
            }
        }
    }
}

/// Percent-encodes one path segment or query value.
func escapeComponent(_ s: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
}

enum JSONCoding {
    static func encode(_ value: JSONValue) throws -> [UInt8] {
        Array(try JSONEncoder().encode(value))
    }

    static func decode(_ bytes: [UInt8]) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }

    /// Sorted keys: the same value always gives the same bytes (used for hashing).
    static func canonical(_ value: JSONValue) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? Array(encoder.encode(value))) ?? []
    }
}
