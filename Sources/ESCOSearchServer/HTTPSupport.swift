import ESCOSearch
import Foundation
import Hummingbird
import Logging

/// JSON bodies and the one error shape every route answers with: `{"error": {"status", "message"}}`.
enum JSONBody {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return raw(data, status: status)
    }

    static func raw(_ data: Data, status: HTTPResponse.Status = .ok) -> Response {
        var buffer = ByteBuffer()
        buffer.writeBytes(data)
        buffer.writeString("\n")
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: ResponseBody(byteBuffer: buffer))
    }

    struct ErrorBody: Encodable {
        struct Inner: Encodable {
            var status: Int
            var message: String
            var parameter: String?
        }
        var error: Inner
    }

    static func error(_ e: SearchError) -> Response {
        response(ErrorBody(error: .init(status: e.status, message: e.message, parameter: e.parameter)),
                 status: HTTPResponse.Status(code: e.status))
    }

    static func error(status: Int, _ message: String) -> Response {
        response(ErrorBody(error: .init(status: status, message: message)), status: HTTPResponse.Status(code: status))
    }
}

/// Query strings parsed strictly: an unknown parameter, a repeated one or bad percent-encoding is a 400,
/// so a typo (`min-certainty`) never silently falls back to a default.
struct QueryParameters {
    var values: [String: String] = [:]

    init(_ raw: String?, allowed: Set<String>) throws(SearchError) {
        guard let raw, !raw.isEmpty else { return }
        for pair in raw.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try Self.decode(parts[0], what: "a parameter name")
            let value = parts.count > 1 ? try Self.decode(parts[1], what: "parameter \(name)") : ""
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

    subscript(_ name: String) -> String? { values[name] }
}

/// One log line per request: method, path (never the query: it holds user text), status and duration.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let start = ContinuousClock.now
        var status = 500
        defer {
            let d = ContinuousClock.now - start
            let ms = Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
            logger.info(
                "request",
                metadata: [
                    "method": "\(request.method.rawValue)", "path": "\(request.uri.path)", "status": "\(status)",
                    "ms": "\(String(format: "%.1f", ms))",
                ])
        }
        do {
            let response = try await next(request, context)
            status = response.status.code
            return response
        } catch let error as HTTPError {
            // The router's own 404/405 and body-size errors, in our JSON shape.
            status = error.status.code
            let message = error.status == .notFound
                ? "no such route: \(request.method.rawValue) \(request.uri.path); see GET /openapi.json"
                : error.body ?? error.status.reasonPhrase
            return JSONBody.error(status: status, message)
        } catch {
            status = 500
            logger.error("unhandled error", metadata: ["error": "\(error)"])
            return JSONBody.error(status: 500, "internal error; see the service log")
        }
    }
}
