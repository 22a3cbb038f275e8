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
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
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
        response(
            ErrorBody(error: .init(status: e.status, message: e.message, parameter: e.parameter)),
            status: HTTPResponse.Status(code: e.status))
    }

    static func error(status: Int, _ message: String) -> Response {
        response(ErrorBody(error: .init(status: status, message: message)), status: HTTPResponse.Status(code: status))
    }
}

/// The methods each route path answers, from the router's own route list, so an undeclared method on a
/// known path is a 405 with `Allow` (RFC 9110 section 15.5.6) rather than a 404.
struct RouteMethods: Sendable {
    private var exact: [String: Set<String>] = [:]
    private var prefixes: [(String, Set<String>)] = []

    /// `routes`: "METHOD /path", a trailing `/**` matching any non-empty rest.
    init(_ routes: [String]) {
        for route in routes {
            let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            if parts[1].hasSuffix("/**") {
                let prefix = String(parts[1].dropLast(2))
                if let i = prefixes.firstIndex(where: { $0.0 == prefix }) {
                    prefixes[i].1.insert(parts[0])
                } else {
                    prefixes.append((prefix, [parts[0]]))
                }
            } else {
                exact[parts[1], default: []].insert(parts[0])
            }
        }
    }

    /// The methods `path` answers, sorted; nil for an unknown path.
    func allowed(_ path: String) -> [String]? {
        if let m = exact[path] { return m.sorted() }
        for (prefix, m) in prefixes where path.count > prefix.count && path.hasPrefix(prefix) { return m.sorted() }
        return nil
    }
}

/// One log line per request: method, path (never the query: it holds user text), status and duration.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger
    let methods: RouteMethods

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
            if error.status == .notFound, let allowed = methods.allowed(request.uri.path) {
                status = 405
                var response = JSONBody.error(
                    status: 405,
                    "\(request.method.rawValue) is not allowed on "
                        + "\(request.uri.path); use \(allowed.joined(separator: " or ")) (see GET /openapi.json)")
                response.headers[.allow] = allowed.joined(separator: ", ")
                return response
            }
            status = error.status.code
            let message =
                error.status == .notFound
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
