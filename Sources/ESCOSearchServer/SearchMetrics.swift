import CoreMetrics
public import ESCOMetrics
import Foundation
public import Prometheus

/// esco-search's metrics (docs/OPERATIONS.md#metrics): swift-metrics handlers on one swift-prometheus registry
/// per server, so servers started in one test process never share counters. Nothing is bootstrapped into
/// swift-metrics' global `MetricsSystem`.
public struct SearchMetrics: Sendable {
    /// The outside services esco-search calls.
    public enum Service: String, Sendable {
        case weaviate
        case vectorizer
    }

    public let registry: PrometheusCollectorRegistry
    let factory: PrometheusFactory

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        self.factory = PrometheusFactory(registry: registry)
    }

    /// One answered request. `route` is the router's template (`/concepts/**`), never the raw path, so a
    /// client cannot create a series per URL.
    public func request(route: String, method: String, status: Int, duration: Duration) {
        Counter(
            label: MetricCatalog.httpRequests,
            dimensions: [("route", route), ("method", method), ("status", String(status))], factory: factory
        ).increment()
        CoreMetrics.Timer(
            label: MetricCatalog.httpDuration, dimensions: [("route", route), ("method", method)], factory: factory
        )
        .recordDuration(duration)
    }

    /// Times `body` as one call to `service` and counts it by outcome.
    public func call<T: Sendable>(
        _ service: Service, _ operation: String, _ body: () async throws -> T
    ) async throws -> T {
        let start = ContinuousClock.now
        var outcome = "error"
        defer {
            let (counter, timer) =
                switch service {
                case .weaviate: (MetricCatalog.weaviateRequests, MetricCatalog.weaviateDuration)
                case .vectorizer: (MetricCatalog.vectorizerRequests, MetricCatalog.vectorizerDuration)
                }
            Counter(label: counter, dimensions: [("operation", operation), ("outcome", outcome)], factory: factory)
                .increment()
            CoreMetrics.Timer(label: timer, dimensions: [("operation", operation)], factory: factory)
                .recordDuration(ContinuousClock.now - start)
        }
        do {
            let value = try await body()
            outcome = "success"
            return value
        } catch is CancellationError {
            outcome = "cancelled"
            throw CancellationError()
        }
    }

    public func readiness(ready: Bool) {
        Gauge(label: MetricCatalog.ready, factory: factory).record(ready ? 1 : 0)
    }

    /// The whole `/metrics` page: this server's metrics, then the ingestion gauges.
    public func exposition(ingestion: IngestionSnapshot) -> String {
        registry.emitToString() + IngestionGauges.render(ingestion)
    }
}

extension CoreMetrics.Timer {
    fileprivate func recordDuration(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
