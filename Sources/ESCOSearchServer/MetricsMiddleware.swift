import Hummingbird

/// Counts and times every request by route template, method and final status. It sits outside the request
/// log middleware, so it sees the status that middleware turned a router error into (404, 405, 413).
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: SearchMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let start = ContinuousClock.now
        var status = 500
        defer {
            // An unmatched path has no template (Hummingbird's router records "NotFound"); one series for all of
            // them keeps scanners from adding series.
            let template = context.endpointPath
            metrics.request(
                route: template == nil || template == "NotFound" ? "unmatched" : template!,
                method: request.method.rawValue, status: status, duration: ContinuousClock.now - start)
        }
        let response = try await next(request, context)
        status = response.status.code
        return response
    }
}
