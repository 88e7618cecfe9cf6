import Foundation
import HTTPServer
import Logging
import RedisClient
import TestSupport
import Testing

@testable import RestSessionsAPI

/// Unpaged listings over `ListingResponse.streamingThreshold`, which the API sends on in parts (a
/// responder made with a closure gathers them; the HTTP side is in HTTPServerTests' LiveStreamTests).
@Suite struct ListingResponseTests {
    /// `count` sessions with about 140 bytes of JSON each in a listing; their tokens, oldest first.
    private static func createMany(_ count: Int, in context: APITestContext) async throws -> [String] {
        var tokens: [String] = []
        for n in 0..<count {
            tokens.append(try await context.create(id: "user\(n % 50)", data: #"{"n":\#(n),"pad":"\#(String(repeating: "x", count: 60))"}"#))
        }
        return tokens
    }

    @Test func aListingOverTheThresholdIsWholeAndCountedOnce() async throws {
        let lines = CapturedLines()
        let logger = Logger(label: "listing", factory: { _ in CapturingLogHandler(lines: lines) })
        try await APITestContext.with(apiLogger: logger, accessLog: true) { context in
            _ = try await Self.createMany(700, in: context)
            let listing = await context.request(.GET, "/\(APITestContext.app)/soapp?dt=600")
            #expect(listing.status == 200 && listing.isJSON)
            #expect(listing.text.utf8.count > ListingResponse.streamingThreshold)
            let object = try JSONSerialization.jsonObject(with: Data(listing.text.utf8)) as? [String: Any]
            let numbers = (object?["sessions"] as? [[String: Any]])?.compactMap { ($0["d"] as? [String: Any])?["n"] as? Int }
            #expect(numbers?.sorted() == Array(0..<700))
            let listingLines = lines.all.filter { $0.hasPrefix("GET /testapp/soapp") }
            #expect(listingLines.count == 1, "\(listingLines)")
        }
    }

    @Test func aListingThatFailsAfterItsFirstPartIsLoggedAndNeverAnsweredWhole() async throws {
        let lines = CapturedLines()
        let logger = Logger(label: "listing", factory: { _ in CapturingLogHandler(lines: lines) })
        try await APITestContext.with(apiLogger: logger, accessLog: true) { context in
            let tokens = try await Self.createMany(700, in: context)
            // Listed last (least recently active), so its batch fails after the first part went out.
            let keys = "\(context.namespace):\(APITestContext.app)"
            let now = try #require(try await context.redis.send(RedisCommand("TIME")).array?.first?.string.flatMap { Int($0) })
            _ = try await context.redis.send(RedisCommand("ZADD", "\(keys):_sessions", String(now - 100), "\(tokens[0]):user0"))
            _ = try await context.redis.send(RedisCommand("HSET", "\(keys):\(tokens[0])", "d", "not json"))
            let answered = CapturedLines()
            let request = TestRequest.make(method: .GET, target: "/\(APITestContext.app)/soapp?dt=600", headers: [], body: [])
            context.api.handle(request, responder: HTTPResponder { answered.append("\($0.status.code)") })
            #expect(await eventually { lines.all.contains { $0.hasPrefix("GET /testapp/soapp") } })
            let logged = lines.all.suffix(2)
            #expect(logged.first == "listing cut short after its first part was sent", "\(logged)")
            try await Task.sleep(for: .milliseconds(100))
            #expect(answered.all.isEmpty, "a cut listing is never handed over as a whole answer")
            // Under the threshold, the same failure is an ordinary 500.
            #expect(await context.request(.GET, "/\(APITestContext.app)/soid/user0").status == 500)
        }
    }
}
