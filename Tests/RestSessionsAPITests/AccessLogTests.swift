import EventLoops
import HTTPServer
import Logging
import TestSupport
import Testing

@testable import RestSessionsAPI

@Suite struct AccessLogTests {
    @Test func anAccessLineNamesMethodPathStatusAndDurationWithATagForTheToken() async throws {
        let lines = CapturedLines()
        let logger = Logger(label: "access", factory: { _ in CapturingLogHandler(lines: lines) })
        try await APITestContext.with(apiLogger: logger, accessLog: true) { context in
            let token = try await context.create(data: #"{"secret":"s3cr3t"}"#)
            _ = await context.request(.GET, "/\(APITestContext.app)/get/\(token)")
            _ = await context.request(.GET, "/nowhere")
            let logged = lines.all
            #expect(logged.count == 3, "\(logged)")
            #expect(logged.allSatisfy { !$0.contains(token) && !$0.contains("s3cr3t") && !$0.contains("1.2.3.4") })
            let tag = AccessLog.tag(of: Substring(token))
            #expect(logged[0].wholeMatch(of: /PUT \/testapp\/create\/user1 200 \d+\.\d{3}ms/) != nil, "\(logged[0])")
            #expect(logged[1].wholeMatch(of: try Regex(#"GET /testapp/get/\#(tag) 200 \d+\.\d{3}ms"#)) != nil, "\(logged[1])")
            #expect(logged[2].wholeMatch(of: /GET \/nowhere 404 \d+\.\d{3}ms/) != nil, "\(logged[2])")
        }
    }

    @Test func noAccessLinesWhenDisabled() async throws {
        let lines = CapturedLines()
        let logger = Logger(label: "access", factory: { _ in CapturingLogHandler(lines: lines) })
        try await APITestContext.with(apiLogger: logger, accessLog: false) { context in
            _ = await context.request(.GET, "/ping")
            #expect(lines.all.isEmpty)
        }
    }

    @Test func aTagIsEightHexDigitsStableWithinTheProcess() {
        let token = Substring(String(repeating: "x", count: 64))
        let tag = AccessLog.tag(of: token)
        #expect(tag.wholeMatch(of: /[0-9a-f]{8}/) != nil)
        #expect(AccessLog.tag(of: token) == tag)
        #expect(AccessLog.tag(of: Substring(String(repeating: "y", count: 64))) != tag)
    }

    @Test func onlyTheTokenPartOfThePathIsReplaced() {
        let path = AccessLog.loggedPath("/app/get/TOKEN", tokenPart: 3)
        #expect(path == "/app/get/\(AccessLog.tag(of: "TOKEN"))")
        #expect(AccessLog.loggedPath("/app/soid/user", tokenPart: nil) == "/app/soid/user")
    }

    @Test func everyTokenShapedPartIsReplacedWhereverItIs() {
        let token = String(repeating: "Zq", count: 32)
        let tag = AccessLog.tag(of: Substring(token))
        #expect(AccessLog.loggedPath("/app/gett/\(token)", tokenPart: nil) == "/app/gett/\(tag)")
        #expect(AccessLog.loggedPath("/\(token)/get/\(token)", tokenPart: 3) == "/\(tag)/get/\(tag)")
        #expect(AccessLog.loggedPath("/app/soid/\(token)", tokenPart: nil) == "/app/soid/\(tag)")
        // 63 or 65 characters, or another character: not a token's shape.
        for part in [String(token.dropLast()), token + "a", String(token.dropLast()) + "-"] {
            #expect(AccessLog.loggedPath("/app/gett/\(part)", tokenPart: nil) == "/app/gett/\(part)")
        }
    }
}
