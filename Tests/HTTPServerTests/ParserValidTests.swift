import HTTPServer
import Testing

@Suite struct ParserValidTests {
    struct Example: CustomStringConvertible, Sendable {
        var name: String
        var text: String
        var check: @Sendable ([ParsedEvent]) -> Bool

        var description: String { name }
    }

    static let examples: [Example] = [
        Example(name: "simple GET", text: "GET / HTTP/1.1\r\nHost: a\r\n\r\n") {
            $0 == [.request(method: .GET, target: "/", path: "/", segments: [], query: [], version: .http1_1, headers: ["Host: a"], body: "", keepAlive: true)]
        },
        Example(name: "segments and query", text: "GET /app/get/caf%C3%A9%2Fx?ip=1.2.3.4&ttl=&flag&a+b=c%26d HTTP/1.1\r\nHost: a\r\n\r\n") {
            $0 == [.request(
                method: .GET, target: "/app/get/caf%C3%A9%2Fx?ip=1.2.3.4&ttl=&flag&a+b=c%26d", path: "/app/get/caf%C3%A9%2Fx",
                segments: ["app", "get", "café/x"], query: ["ip=1.2.3.4", "ttl=", "flag=", "a b=c&d"], version: .http1_1,
                headers: ["Host: a"], body: "", keepAlive: true
            )]
        },
        Example(name: "empty and trailing segments", text: "DELETE /a//b/ HTTP/1.1\r\nHost: a\r\n\r\n") {
            guard case .request(.DELETE, _, _, let segments, _, _, _, _, _) = $0.first else { return false }
            return segments == ["a", "", "b", ""]
        },
        Example(name: "POST with Content-Length", text: "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world") {
            guard case .request(.POST, _, _, _, _, _, _, let body, true) = $0.first else { return false }
            return $0.count == 1 && body == "hello world"
        },
        Example(name: "repeated identical Content-Length", text: "PUT /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\nContent-Length: 3\r\n\r\nabc") {
            guard case .request(.PUT, _, _, _, _, _, _, let body, _) = $0.first else { return false }
            return body == "abc"
        },
        Example(name: "chunked with extensions and trailers", text: "PUT /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6 ; name=\"v\"\r\n world\r\n0\r\nTrailer-One: x\r\n\r\n") {
            guard case .request(.PUT, _, _, _, _, _, _, let body, true) = $0.first else { return false }
            return $0.count == 1 && body == "hello world"
        },
        Example(name: "chunk extensions with white space, quoted values and names alone", text: "PUT /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5 ; a = \"x; \\\"y\" ;b\t;c=d\r\nhello\r\n0;last\r\n\r\n") {
            guard case .request(.PUT, _, _, _, _, _, _, let body, true) = $0.first else { return false }
            return $0.count == 1 && body == "hello"
        },
        Example(name: "Host forms", text: ["a.example:8080", "127.0.0.1:3000", "[::1]:80", "[::1]", "", "xn--bcher-kva.example", "h%41:", "a_b~c!$&'()*+,;="].map {
            "GET / HTTP/1.1\r\nHost: \($0)\r\n\r\n"
        }.joined()) {
            $0.filter(\.isRequest).count == 8
        },
        Example(name: "chunked with upper-case hex and coding name", text: "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n") {
            guard case .request(.POST, _, _, _, _, _, _, let body, _) = $0.first else { return false }
            return body == "0123456789"
        },
        Example(name: "HTTP/1.0 closes by default", text: "GET /old HTTP/1.0\r\n\r\n") {
            guard case .request(.GET, _, _, _, _, .http1_0, _, _, let keepAlive) = $0.first else { return false }
            return !keepAlive
        },
        Example(name: "HTTP/1.0 keep-alive", text: "GET /old HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n") {
            guard case .request(.GET, _, _, _, _, .http1_0, _, _, let keepAlive) = $0.first else { return false }
            return keepAlive
        },
        Example(name: "Connection: close", text: "GET / HTTP/1.1\r\nHost: a\r\nConnection: foo, close\r\n\r\n") {
            guard case .request(.GET, _, _, _, _, _, _, _, let keepAlive) = $0.first else { return false }
            return !keepAlive
        },
        Example(name: "OPTIONS *", text: "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n") {
            $0 == [.request(method: .OPTIONS, target: "*", path: "*", segments: [], query: [], version: .http1_1, headers: ["Host: a"], body: "", keepAlive: true)]
        },
        Example(name: "Expect: 100-continue", text: "PUT /x HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n{}") {
            guard case .request(.PUT, _, _, _, _, _, _, let body, _) = $0.last else { return false }
            return body == "{}"
        },
        Example(name: "empty lines before the request line", text: "\r\n\r\nHEAD /h HTTP/1.1\r\nHost: a\r\n\r\n") {
            guard case .request(.HEAD, "/h", _, ["h"], _, _, _, _, _) = $0.first else { return false }
            return $0.count == 1
        },
        Example(name: "pipelined requests", text: "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nPOST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nxGET /3 HTTP/1.1\r\nHost: a\r\n\r\n") {
            $0.map { event -> String in
                guard case .request(_, let target, _, _, _, _, _, let body, _) = event else { return "?" }
                return target + body
            } == ["/1", "/2x", "/3"]
        },
        Example(name: "field values trimmed, obs-text kept", text: "GET / HTTP/1.1\r\nHost:a\r\nX-Tab:\t v \t\r\nX-Empty:\r\n\r\n") {
            guard case .request(_, _, _, _, _, _, let headers, _, _) = $0.first else { return false }
            return headers == ["Host: a", "X-Tab: v", "X-Empty: "]
        },
        // Methods are case-sensitive tokens; the handler decides which it takes (405 for the rest).
        Example(name: "every method", text: methods.map { "\($0) / HTTP/1.1\r\nHost: a\r\n\r\n" }.joined()) {
            $0.map { event -> String? in
                guard case .request(let method, _, _, _, _, _, _, _, _) = event else { return nil }
                return method.rawValue
            } == methods
        },
    ]

    static let methods = HTTPMethod.common.map(\.rawValue) + ["PATCH", "TRACE", "get", "M-SEARCH"]

    @Test(arguments: examples)
    func wholeAndSplitAtEveryOffset(_ example: Example) {
        let bytes = Array(example.text.utf8)
        let whole = ParsedEvent.parse([bytes])
        #expect(whole.error == nil, "\(example.name): \(String(describing: whole.error))")
        #expect(example.check(whole.events), "\(example.name): \(whole.events)")
        let expectedRequests = whole.events.filter(\.isRequest)
        for split in 0...bytes.count {
            let parsed = ParsedEvent.parse([Array(bytes[..<split]), Array(bytes[split...])])
            #expect(parsed.error == nil, "split at \(split): \(String(describing: parsed.error))")
            #expect(parsed.events.filter(\.isRequest) == expectedRequests, "split at \(split)")
        }
        let byteByByte = ParsedEvent.parse(bytes.map { [$0] })
        #expect(byteByByte.events.filter(\.isRequest) == expectedRequests)
    }

    @Test func expectContinueIsReportedBeforeTheBodyArrives() throws {
        var parser = HTTPRequestParser()
        parser.append(contentsOf: Array("PUT /x HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n".utf8))
        guard case .continueExpected = try parser.next() else {
            Issue.record("no 100-continue event")
            return
        }
        #expect(try parser.next() == nil)
        #expect(parser.state == .fixedLengthBody(length: 2))
        parser.append(contentsOf: Array("{}".utf8))
        guard case .request(let request, _) = try parser.next() else {
            Issue.record("no request")
            return
        }
        #expect(request.body == Array("{}".utf8))
        #expect(parser.state == .idle)
    }

    @Test func httpOneZeroIgnoresExpectContinue() throws {
        let parsed = ParsedEvent.parse([Array("PUT /x HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n".utf8)])
        #expect(parsed.events.isEmpty)
        #expect(parsed.error == nil)
    }

    @Test func failedParserStaysFailed() {
        var parser = HTTPRequestParser()
        parser.append(contentsOf: Array("BAD\r\n".utf8))
        #expect(throws: HTTPParserError.self) { try parser.next() }
        parser.append(contentsOf: Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
        #expect(throws: HTTPParserError.self) { try parser.next() }
    }

    @Test func limitsAreExactBoundaries() {
        let limits = HTTPParserLimits(maximumHeaderBytes: 64, maximumHeaderCount: 2, maximumBodyBytes: 4)
        // 16 + 9 + 19 + 2 = 46 bytes, 2 fields, 4-byte body: all exactly allowed.
        let atLimit = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nabcd"
        #expect(ParsedEvent.parse([Array(atLimit.utf8)], limits: limits).error == nil)
        let exactly64 = "GET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "v", count: 64 - 16 - 9 - 5 - 2) + "\r\n\r\n"
        #expect(exactly64.utf8.count == 64)
        #expect(ParsedEvent.parse([Array(exactly64.utf8)], limits: limits).error == nil)
        let over = "GET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "v", count: 64 - 16 - 9 - 5 - 1) + "\r\n\r\n"
        #expect(ParsedEvent.parse([Array(over.utf8)], limits: limits).error?.status == .requestHeaderFieldsTooLarge)
    }
}
