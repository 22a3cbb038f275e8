import CSystemd
import ESCOCore
public import ESCOMetrics
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
    /// This server's metrics (`GET /metrics`); wrap the engine's backend in `InstrumentedSearchBackend` with the
    /// same value to count the calls to Weaviate and the vectorizer.
    public let metrics: SearchMetrics
    /// The ingestion state `/metrics` reports (nil: the engine's backend, without the history).
    public var ingestionSnapshot: (@Sendable () async -> IngestionSnapshot)?

    public init(engine: SearchEngine, readiness: Readiness, logger: Logger, metrics: SearchMetrics = SearchMetrics()) {
        self.engine = engine
        self.readiness = readiness
        self.logger = logger
        self.metrics = metrics
    }

    /// Every route, as the router holds them (the OpenAPI test compares this with the document).
    public func buildRouter() -> Router<BasicRequestContext> {
        // The routes are added twice: once to learn each path's methods (for 405's `Allow`), once for real.
        let probe = Router()
        addRoutes(to: probe)
        let router = Router()
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        router.add(
            middleware: RequestLogMiddleware(logger: logger, methods: RouteMethods(probe.routes.map(\.description))))
        addRoutes(to: router)
        return router
    }

    private func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/healthz") { _, _ in JSONBody.response(["status": "ok"]) }
        router.get("/readyz") { _, _ in await readyz() }
        router.get("/openapi.json") { _, _ in JSONBody.raw(Data(OpenAPIDocument.json.utf8)) }
        router.get("/metrics") { request, _ in await metricsPage(request) }
        addPageRoutes(to: router)
        router.get("/search") { request, _ in await answer { try await search(request) } }
        router.get("/concepts") { request, _ in
            await answer { try await concept(try HTTPRequestParsing.conceptURI(request.uri.query)) }
        }
        router.get("/concepts/**") { request, _ in
            await answer {
                // The raw path, so a percent-encoded URI (slashes as %2F) arrives as one id.
                let raw = request.uri.path.dropFirst("/concepts/".count)
                return try await concept(try HTTPRequestParsing.conceptID(path: raw, query: request.uri.query))
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
                    throw SearchError(
                        code: .invalidInput, status: 413,
                        message: "the request body is larger than \(maxBodyBytes) bytes")
                }
                let enrichment = try HTTPRequestParsing.enrichment(Array(body.readableBytesView))
                let pinned = try await pinnedEngine()
                var result = try await pinned.enrich(enrichment)
                result.generation = pinned.backend.dataGeneration.map(GenerationNaming.name)
                return JSONBody.response(result)
            }
        }
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
    public func serve(host: String, port: Int, onListening: @escaping @Sendable (_ port: Int) async -> Void)
        async throws
    {
        try await buildApplication(host: host, port: port, onListening: onListening).run()
    }

    // MARK: Handlers

    /// Runs a data route: 503 while the data is not ready (never a half-loaded index), JSON errors otherwise.
    func answer(_ body: () async throws -> Response) async -> Response {
        do {
            let report = await readiness.report()
            guard report.ready else {
                throw SearchError(
                    code: .notReady, status: 503, message: "not ready (\(report.status)): \(report.reason)")
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
        let query = try HTTPRequestParsing.searchQuery(request.uri.query)
        let pinned = try await pinnedEngine()
        let results = try await pinned.search(query)
        struct Body: Encodable {
            var query: String
            var type: ConceptType
            var limit: Int
            var generation: String?
            var results: [SearchResult]
        }
        return JSONBody.response(
            Body(
                query: query.text, type: query.type, limit: query.limit,
                generation: pinned.backend.dataGeneration.map(GenerationNaming.name), results: results))
    }

    func concept(_ reference: ConceptReference) async throws -> Response {
        let pinned = try await pinnedEngine()
        var detail = try await pinned.concept(reference)
        detail.generation = pinned.backend.dataGeneration.map(GenerationNaming.name)
        return JSONBody.response(detail)
    }

    /// The engine fixed to the serving data generation, so an answer names the one generation it came from
    /// (docs/ARCHITECTURE.md#aliases).
    func pinnedEngine() async throws -> SearchEngine {
        SearchEngine(backend: try await engine.backend.pinned(), ranker: engine.ranker)
    }

    func readyz() async -> Response {
        let report = await readiness.report()
        metrics.readiness(ready: report.ready)
        struct Body: Encodable {
            var ready: Bool
            var status: String
            var reason: String
            var generation: String
        }
        return JSONBody.response(
            Body(ready: report.ready, status: report.status, reason: report.reason, generation: report.generation),
            status: report.ready ? .ok : .serviceUnavailable)
    }
}
