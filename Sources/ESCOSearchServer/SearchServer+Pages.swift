import ESCOMetrics
import ESCOSearch
import Foundation
import Hummingbird
import Logging

/// The HTML pages (`GET /`, `GET /concept`) and `GET /metrics`.
extension SearchServer {
    /// Results the search page lists.
    static let pageLimit = 20

    func addPageRoutes(to router: Router<BasicRequestContext>) {
        router.get("/") { request, _ in await searchPage(request) }
        router.get("/concept") { request, _ in await conceptPage(request) }
    }

    static func html(_ page: HTML, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: page.text)))
    }

    static func notice(_ report: Readiness.Report) -> SearchPage.Notice {
        SearchPage.Notice(title: "The data is not ready yet", status: report.status, reason: report.reason)
    }

    func searchPage(_ request: Request) async -> Response {
        let parameters: QueryParameters
        do {
            parameters = try QueryParameters(request.uri.query, allowed: ["q", "type"])
        } catch {
            return Self.html(SearchPage.error(title: "Invalid search", message: error.message), status: .badRequest)
        }
        let text = parameters["q"] ?? ""
        guard let type = ConceptType(rawValue: parameters["type"] ?? "all") else {
            let message = "unknown type; choose one of " + ConceptType.allCases.map(\.rawValue).joined(separator: ", ")
            return Self.html(SearchPage.error(title: "Invalid search", message: message), status: .badRequest)
        }
        guard text.unicodeScalars.count <= SearchQuery.maxTextLength else {
            let message = "the query is longer than \(SearchQuery.maxTextLength) characters"
            return Self.html(
                SearchPage.search(text: "", type: type, results: nil, error: message), status: .badRequest)
        }
        let report = await readiness.report()
        guard report.ready else {
            return Self.html(
                SearchPage.search(text: text, type: type, results: nil, notice: Self.notice(report)),
                status: .serviceUnavailable)
        }
        guard !text.trimmingWhiteSpace().isEmpty else {
            return Self.html(SearchPage.search(text: text, type: type, results: nil))
        }
        do {
            let query = try SearchQuery(text: text, type: type, limit: Self.pageLimit)
            let results = try await engine.search(query)
            return Self.html(SearchPage.search(text: text, type: type, results: results))
        } catch {
            let e = pageError(error)
            return Self.html(
                SearchPage.search(text: text, type: type, results: nil, error: e.message),
                status: HTTPResponse.Status(code: e.status))
        }
    }

    func conceptPage(_ request: Request) async -> Response {
        let reference: ConceptReference
        do {
            reference = try HTTPRequestParsing.conceptURI(request.uri.query)
        } catch {
            return Self.html(SearchPage.error(title: "Invalid concept", message: error.message), status: .badRequest)
        }
        let report = await readiness.report()
        guard report.ready else {
            return Self.html(
                SearchPage.error(title: "Concept", message: report.reason, notice: Self.notice(report)),
                status: .serviceUnavailable)
        }
        do {
            return Self.html(SearchPage.concept(try await engine.concept(reference)))
        } catch {
            let e = pageError(error)
            let title = e.status == 404 ? "No such concept" : "The concept cannot be shown"
            return Self.html(
                SearchPage.error(title: title, message: e.message), status: HTTPResponse.Status(code: e.status))
        }
    }

    /// The `SearchError` a page shows (a 503 for anything unexpected, logged like the JSON routes do).
    func pageError(_ error: any Error) -> SearchError {
        switch error {
        case let e as SearchError:
            if e.status >= 500 { logger.warning("backend unavailable", metadata: ["error": "\(e.message)"]) }
            return e
        case is CancellationError:
            return SearchError(code: .unavailable, status: 503, message: "the service is shutting down; try again")
        default:
            logger.error("page failed", metadata: ["error": "\(error)"])
            return SearchError(code: .unavailable, status: 503, message: "search failed: \(error); try later")
        }
    }

    /// `GET /metrics`: Prometheus text format 0.0.4. Readiness is evaluated here too (cached like `/readyz`), so
    /// `esco_search_ready` is current even when nothing probes `/readyz`.
    func metricsPage(_ request: Request) async -> Response {
        let report = await readiness.report()
        metrics.readiness(ready: report.ready)
        let snapshot: IngestionSnapshot
        if let ingestionSnapshot {
            snapshot = await ingestionSnapshot()
        } else {
            let backend = engine.backend
            snapshot = await IngestionSnapshot.read(
                nowMs: Self.nowMs(), mountedFingerprint: readiness.expectedFingerprint,
                current: { try await backend.ingestionState() }, history: { [] })
        }
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.exposition(ingestion: snapshot))))
    }

    static func nowMs() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}
