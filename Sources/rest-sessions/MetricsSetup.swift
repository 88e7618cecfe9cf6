import CoreMetrics
import Prometheus

enum MetricsSetup {
    /// Latencies of this service sit well below swift-prometheus's default first bucket (5 ms).
    static let durationBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .seconds(2.5), .seconds(5),
    ]

    /// Makes Prometheus the backend of every layer's swift-metrics calls (once per process, before
    /// any layer is made) and returns the renderer of `GET /metrics`.
    static func bootstrapPrometheus() -> @Sendable () -> [UInt8] {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = durationBuckets
        MetricsSystem.bootstrap(factory)
        return { registry.emitToBuffer() }
    }
}
