@testable import HTTPServer
import Testing

@Suite struct HTTPTypesTests {
    @Test func headersCompareNamesCaseInsensitively() {
        var headers = HTTPHeaders([("Content-Type", "a"), ("X-A", "1"), ("x-a", "2")])
        #expect(headers["content-type"] == "a")
        #expect(headers.values(for: "X-a") == ["1", "2"])
        headers.replaceOrAdd(name: "X-A", value: "3")
        #expect(headers.values(for: "x-a") == ["3"])
        headers.replaceOrAdd(name: "New", value: "n")
        #expect(headers["NEW"] == "n")
        #expect(headers == HTTPHeaders([("content-type", "a"), ("X-A", "3"), ("new", "n")]))
        #expect(headers != HTTPHeaders([("content-type", "b"), ("X-A", "3"), ("new", "n")]))
    }

    @Test func queryKeepsOrderAndFirstValueWins() {
        let query = HTTPQuery(pairs: [(name: "a", value: "1"), (name: "b", value: ""), (name: "a", value: "2")])
        #expect(query["a"] == "1")
        #expect(query["b"] == "")
        #expect(query["c"] == nil)
    }

    @Test func dateIsFormattedAsIMFFixdate() {
        #expect(String(decoding: HTTPDateCache.format(784_111_777), as: UTF8.self) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(String(decoding: HTTPDateCache.format(0), as: UTF8.self) == "Thu, 01 Jan 1970 00:00:00 GMT")
    }

    private func encode(_ response: HTTPResponse, isHead: Bool = false, version: HTTPVersion = .http1_1, keepAlive: Bool = true) -> String {
        var output: [UInt8] = []
        HTTPResponseEncoder.append(
            response, context: .init(isHead: isHead, version: version, keepAlive: keepAlive),
            date: Array("DATE".utf8), to: &output
        )
        return String(decoding: output, as: UTF8.self)
    }

    @Test func encoderOwnsFramingAndDropsUnsafeFields() {
        let response = HTTPResponse(
            status: .ok,
            headers: HTTPHeaders([
                ("Content-Type", "application/json"), ("Content-Length", "999"), ("Transfer-Encoding", "chunked"),
                ("Connection", "upgrade"), ("X-Split", "a\r\nSet-Cookie: evil"), ("Bad Name", "x"),
            ]),
            body: Array("{}".utf8)
        )
        #expect(encode(response) == "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nDate: DATE\r\n\r\n{}")
        #expect(encode(response, isHead: true) == "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nDate: DATE\r\n\r\n")
        #expect(encode(response, keepAlive: false).contains("Connection: close\r\n\r\n{}"))
        #expect(encode(response, version: .http1_0).contains("Connection: keep-alive\r\n"))
    }

    @Test func noContentHasNoLengthAndHandlerDateIsKept() {
        let response = HTTPResponse(status: .noContent, headers: HTTPHeaders([("Date", "mine")]), body: Array("x".utf8))
        #expect(encode(response) == "HTTP/1.1 204 No Content\r\nDate: mine\r\n\r\n")
        let odd = HTTPResponse(status: HTTPStatus(code: 42, reasonPhrase: "odd"))
        #expect(encode(odd).hasPrefix("HTTP/1.1 500 Internal Server Error\r\n"))
    }

    @Test func everyAllowedParserTransitionIsChecked() {
        typealias State = HTTPRequestParser.State
        #expect(HTTPRequestParser.isAllowed(from: .idle, to: .headerFields))
        #expect(!HTTPRequestParser.isAllowed(from: .idle, to: .chunkSize))
        #expect(!HTTPRequestParser.isAllowed(from: .failed(.badRequest("x")), to: .idle))
        #expect(HTTPRequestParser.isAllowed(from: .chunkData(size: 1), to: .failed(.badRequest("x"))))
        #expect(!HTTPRequestParser.isAllowed(from: .fixedLengthBody(length: 1), to: .chunkSize))
    }

    @Test func addressesAreWrittenAsOperatorsWriteThem() {
        #expect(HTTPServerConfiguration.Address.tcp(host: "127.0.0.1", port: 3000).description == "127.0.0.1:3000")
        #expect(HTTPServerConfiguration.Address.tcp(host: "::1", port: 3000).description == "[::1]:3000")
        #expect(HTTPServerConfiguration.Address.tcp(host: "sessions.internal", port: 80).description == "sessions.internal:80")
        #expect(HTTPServerConfiguration.Address.unix(path: "/run/rs.sock").description == "unix:/run/rs.sock")
    }
}
