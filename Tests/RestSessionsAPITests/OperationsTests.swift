import CoreMetrics
import HTTPServer
import Logging
import MetricsTestKit
import RedisClient
import TestSupport
import Testing

@testable import RestSessionsAPI

@Suite struct OperationsTests {
    static let app = APITestContext.app

    @Test func healthAndReadyAnswerJSON() async throws {
        // Ready needs PONG within the deadline: one a loaded machine's Redis meets.
        var options = RestSessionsAPIOptions()
        options.readinessTimeout = .seconds(30)
        try await APITestContext.with(options: options) { context in
            let health = await context.request(.GET, "/health")
            #expect(health.status == 200 && health.isJSON && health.text == #"{"status":"ok"}"#)
            let ready = await context.request(.GET, "/ready")
            #expect(ready.status == 200 && ready.isJSON && ready.text == #"{"status":"ready"}"#)
            #expect(await context.request(.HEAD, "/ready").status == 200)
            let post = await context.request(.POST, "/health")
            #expect(post.status == 405 && post.headers["Allow"] == "GET, HEAD, OPTIONS")
        }
    }

    @Test func withoutRedisTheServiceIsHealthyButNotReady() async throws {
        try await APITestContext.withUnreachableRedis { context in
            #expect(await context.request(.GET, "/health").status == 200)
            let ready = await context.request(.GET, "/ready")
            #expect(ready.status == 503 && ready.isJSON && ready.text == #"{"status":"unavailable"}"#)
        }
    }

    @Test func metricsAnswerTheRenderersTextInPrometheusFormat() async throws {
        var options = RestSessionsAPIOptions()
        options.metricsText = { Array("rest_sessions_x 1\n".utf8) }
        try await APITestContext.with(options: options) { context in
            let response = await context.request(.GET, "/metrics")
            #expect(response.status == 200)
            #expect(response.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8")
            #expect(response.text == "rest_sessions_x 1\n")
        }
        try await APITestContext.with { context in
            #expect(await context.request(.GET, "/metrics").isError(404, name: "notFound", message: "No such route"))
        }
    }

    @Test func everyAnswerCarriesARequestIdTheCallersWhenSane() async throws {
        try await APITestContext.with { context in
            let given = await context.request(.GET, "/health", headers: [("X-Request-Id", "nginx-4f2a")])
            #expect(given.headers["X-Request-Id"] == "nginx-4f2a")
            var seen: Set<String> = []
            for insane in ["", "has space", String(repeating: "x", count: 129), "caf\u{E9}"] {
                let response = await context.request(.GET, "/nowhere", headers: [("X-Request-Id", insane)])
                let id = try #require(response.headers["X-Request-Id"])
                #expect(id != insane && RequestIDs.isSane(id))
                seen.insert(id)
            }
            let error = await context.request(.GET, "/ab/get/x")
            let id = try #require(error.headers["X-Request-Id"])
            seen.insert(id)
            #expect(seen.count == 5)
        }
    }

    @Test(arguments: [0, 1, 35, 36, 1_295, 1_296, 2_176_782_335, UInt64.max])
    func generatedRequestIdsArePrefixThenCounterInBase36(number: UInt64) {
        let prefix = Array("q0x9z-".utf8)
        #expect(RequestIDs.id(prefix: prefix, number: number) == "q0x9z-" + String(number, radix: 36))
    }

    @Test func requestsSessionsAndUnknownTokensAreCounted() async throws {
        let metrics = TestMetrics()
        try await withMetricsFactory(metrics) {
            try await APITestContext.with { context in
                let token = try await context.create()
                let unknown = String(repeating: "u", count: 64)
                _ = await context.request(.GET, "/\(Self.app)/get/\(token)")
                _ = await context.request(.GET, "/\(Self.app)/get/\(unknown)")
                _ = await context.request(.POST, "/\(Self.app)/set/\(unknown)", body: #"{"a":1}"#)
                _ = await context.request(.GET, "/\(Self.app)/auth", headers: [("X-Session-Token", unknown)])
                _ = await context.request(.DELETE, "/\(Self.app)/kill/\(unknown)")
                _ = await context.request(.DELETE, "/\(Self.app)/kill/\(token)")
                _ = try await context.create(id: "u2")
                _ = try await context.create(id: "u2")
                _ = await context.request(.DELETE, "/\(Self.app)/killsoid/u2")
                _ = await context.request(.GET, "/nowhere")
                let rotating = try await context.create(id: "u3")
                _ = await context.request(.POST, "/\(Self.app)/rotate/\(rotating)")
                _ = await context.request(.POST, "/\(Self.app)/rotate/\(rotating)")
                _ = await context.request(.PUT, "/\(Self.app)/create/u3?ip=1.2.3.4&max_sessions=1")
            }
        }
        #expect(metrics.counterTotal(label: "rest_sessions_sessions_rotated_total") == 1)
        #expect(metrics.counterTotal(label: "rest_sessions_sessions_evicted_total") == 1)
        #expect(metrics.counterTotal(label: "rest_sessions_unknown_token_lookups_total", dimensions: [("route", "rotate")]) == 1)
        #expect(metrics.counterTotal(label: "rest_sessions_sessions_created_total") == 5)
        #expect(metrics.counterTotal(label: "rest_sessions_sessions_killed_total") == 3)
        for route in ["get", "set", "auth", "kill"] {
            #expect(
                metrics.counterTotal(label: "rest_sessions_unknown_token_lookups_total", dimensions: [("route", route)]) == 1, "\(route)")
        }
        #expect(metrics.counterTotal(label: "rest_sessions_http_requests_total", dimensions: [("route", "get"), ("status", "200")]) == 2)
        #expect(metrics.counterTotal(label: "rest_sessions_http_requests_total", dimensions: [("route", "auth"), ("status", "401")]) == 1)
        #expect(
            metrics.counterTotal(label: "rest_sessions_http_requests_total", dimensions: [("route", "unknown"), ("status", "404")]) == 1)
        let getDurations = try metrics.expectTimer("rest_sessions_http_request_duration_seconds", [("route", "get")])
        #expect(getDurations.values.count == 2)
        let redisRoundTrips = try metrics.expectTimer("rest_sessions_redis_command_duration_seconds")
        #expect(redisRoundTrips.values.count >= 10)
    }

    @Test func redisFailuresAreCountedByKind() async throws {
        let metrics = TestMetrics()
        try await withMetricsFactory(metrics) {
            try await APITestContext.withUnreachableRedis { context in
                _ = await context.request(.GET, "/ping")
            }
        }
        let failures = metrics.counters(label: "rest_sessions_redis_errors_total").reduce(0) { $0 + $1.totalValue }
        #expect(failures == 1)
        #expect(metrics.counterTotal(label: "rest_sessions_redis_errors_total", dimensions: [("kind", "reply")]) == 0)
    }

    @Test func unexpectedFailuresHeldBackAreWrittenWhenTheirIntervalEndsSoTheCountsAddUp() async throws {
        let lines = CapturedLines()
        let logger = Logger(label: "api", factory: { _ in CapturingLogHandler(lines: lines, withMetadata: true) })
        let interval = Duration.seconds(2)
        try await APITestContext.with(apiLogger: logger, failureLogInterval: interval) { context in
            let token = try await context.create(data: #"{"a":1}"#)
            // Stored data no service would write: the set's merge cannot read it.
            _ = try await context.redis.send(RedisCommand("HSET", "\(context.namespace):\(Self.app):\(token)", "d", "[1]"))
            let started = ContinuousClock.now
            for _ in 0..<5 {
                #expect(await context.request(.POST, "/\(Self.app)/set/\(token)", body: #"{"b":2}"#).status == 500)
            }
            let allWithinOneInterval = ContinuousClock.now - started < interval
            let failureLines = { lines.all.filter { $0.hasPrefix("request failed") } }
            let counted = { failureLines().map { line in Int(line.firstMatch(of: /failures=(\d+)/)?.1 ?? "") ?? 0 }.reduce(0, +) }
            #expect(await eventually { counted() == 5 }, "every failure counted by some line: \(lines.all)")
            let logged = failureLines()
            #expect(logged.allSatisfy { $0.contains("error=") && $0.contains("stored d is not a flat JSON object") }, "\(logged)")
            #expect(logged[0].contains("failures=1") && logged[0].contains("route=set") && logged[0].contains("request-id="))
            if allWithinOneInterval {
                // On a machine quick enough for five requests in an interval: the first, then the four held back.
                #expect(logged.count == 2 && logged[1].contains("failures=4") && !logged[1].contains("request-id="), "\(logged)")
            }
            // Nothing held back any more: a quiet interval writes nothing.
            try await Task.sleep(for: interval + .milliseconds(500))
            #expect(failureLines() == logged, "\(lines.all)")
        }
    }
}
