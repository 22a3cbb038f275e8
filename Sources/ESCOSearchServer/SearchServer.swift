import CSystemd
public import ESCOSearch
import Foundation
public import Hummingbird
public import Logging

/// `esco-search`: the search engine as JSON over HTTP (docs/ARCHITECTURE.md#search).
public struct SearchServer: Sendable {
    public let engine: SearchEngine
    public let readiness: Readiness
    public let logger: Logger
    /// Largest accepted request body (`POST /enrich`).
    public var maxBodyBytes = 256 * 1024

    public init(engine: SearchEngine, readiness: Readiness, logger: Logger) {
        self.engine = engine
        self.readiness = readiness
        self.logger = logger
    }

    /// Every route, as the router holds them (the OpenAPI test compares this with the document).
    public func buildRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: RequestLogMiddleware(logger: logger))
        router.get("/healthz") { _, _ in JSONBody.response(["status": "ok"]) }
        router.get("/readyz") { _, _ in await readyz() }
        router.get("/openapi.json") { _, _ in JSONBody.raw(Data(OpenAPIDocument.json.utf8)) }
        router.get("/search") { request, _ in await answer { try await search(request) } }
        router.get("/concepts") { request, _ in
            await answer {
                let q = try QueryParameters(request.uri.query, allowed: ["uri"])
                guard let uri = q["uri"] else { throw SearchError.invalid("uri", "missing; pass uri=<concept URI>") }
                return try await concept(uri)
            }
        }
        router.get("/concepts/**") { request, _ in
            await answer {
                _ = try QueryParameters(request.uri.query, allowed: [])
                // The raw path, so a percent-encoded URI (slashes as %2F) arrives as one id.
                let raw = request.uri.path.dropFirst("/concepts/".count)
                guard let id = String(raw).removingPercentEncoding else {
                    throw SearchError.invalid("id", "invalid percent-encoding in the concept id")
                }
                return try await concept(id)
            }
        }
        router.post("/enrich") { request, _ in
            await answer {
                _ = try QueryParameters(request.uri.query, allowed: [])
                var request = request
                let body: ByteBuffer
                do {
                    body = try await request.collectBody(upTo: maxBodyBytes)
                } catch {
                    throw SearchError(code: .invalidInput, status: 413,
                                      message: "the request body is larger than \(maxBodyBytes) bytes")
                }
                return try await enrich(Data(body.readableBytesView))
            }
        }
        return router
    }

    /// "METHOD /path" for every route (the catch-all spelled `**`), for the OpenAPI consistency test.
    public var routeDescriptions: [String] { buildRouter().routes.map(\.description) }

    /// The application on `host:port` (port 0: any free port). `onListening` receives the bound port once the
    /// server accepts connections; `READY=1` then goes to systemd when `NOTIFY_SOCKET` is set.
    /// `notifySystemd` is for the executable only: in-process test servers must not send `READY=1` to a
    /// notify socket another test of the same process has set.
    public func buildApplication(
        host: String, port: Int, notifySystemd: Bool = false,
        onListening: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: buildRouter(),
            configuration: .init(address: .hostname(host, port: port), serverName: "esco-search"),
            onServerRunning: { channel in
                await onListening(channel.localAddress?.port ?? port)
                if notifySystemd { _ = sd_notify(0, "READY=1") }
            },
            logger: logger)
    }

    /// Serves until the task is cancelled (tests) — the executable uses `buildApplication(...).runService()`
    /// for signal handling.
    public func serve(host: String, port: Int, onListening: @escaping @Sendable (_ port: Int) async -> Void) async throws {
        try await buildApplication(host: host, port: port, onListening: onListening).run()
    }

    // MARK: Handlers

    /// Runs a data route: 503 while the data is not ready (never a half-loaded index), JSON errors otherwise.
    func answer(_ body: () async throws -> Response) async -> Response {
        do {
            let report = await readiness.report()
            guard report.ready else {
                throw SearchError(code: .notReady, status: 503, message: "not ready (\(report.status)): \(report.reason)")
            }
            return try await body()
        } catch let error as SearchError {
            if error.status >= 500 {
                logger.warning("backend unavailable", metadata: ["error": "\(error.message)"])
            }
            return JSONBody.error(error)
        } catch is CancellationError {
            return JSONBody.error(status: 503, "the service is shutting down; try again")
        } catch {
            logger.error("search failed", metadata: ["error": "\(error)"])
            return JSONBody.error(status: 503, "search failed: \(error); try later")
        }
    }

    func search(_ request: Request) async throws -> Response {
        let q = try QueryParameters(request.uri.query, allowed: ["q", "type", "limit", "min_certainty"])
        let query = try SearchQuery.parse(text: q["q"], type: q["type"], limit: q["limit"], minCertainty: q["min_certainty"])
        let results = try await engine.search(query)
        struct Body: Encodable {
            var query: String
            var type: ConceptType
            var limit: Int
            var results: [SearchResult]
        }
        return JSONBody.response(Body(query: query.text, type: query.type, limit: query.limit, results: results))
    }

    func concept(_ id: String) async throws -> Response {
        JSONBody.response(try await engine.concept(try ConceptReference.parse(id)))
    }

    func enrich(_ data: Data) async throws -> Response {
        guard let json = try? JSONSerialization.jsonObject(with: data), let object = json as? [String: Any] else {
            throw SearchError.invalid("body", "expected a JSON object {\"title\": \"...\", \"description\": \"...\"}")
        }
        let unknown = Set(object.keys).subtracting(["title", "description"])
        guard unknown.isEmpty else {
            throw SearchError.invalid(unknown.sorted()[0], "unknown field; expected title and description")
        }
        guard let title = object["title"] as? String else {
            throw SearchError.invalid("title", object["title"] == nil ? "missing" : "must be a string")
        }
        guard let description = object["description"] as? String else {
            throw SearchError.invalid("description", object["description"] == nil ? "missing" : "must be a string")
        }
        let request = try EnrichmentRequest(title: title, description: description)
        return JSONBody.response(try await engine.enrich(request))
    }

    func readyz() async -> Response {
        let report = await readiness.report()
        struct Body: Encodable {
            var ready: Bool
            var status: String
            var reason: String
        }
        return JSONBody.response(Body(ready: report.ready, status: report.status, reason: report.reason),
                                 status: report.ready ? .ok : .serviceUnavailable)
    }
}
