import HTTPServer
import Testing

@Suite struct ParserMalformedTests {
    struct Case: CustomStringConvertible, Sendable {
        var name: String
        var text: String
        var status: Int

        var description: String { "\(status) \(name)" }
    }

    static let ok = "GET / HTTP/1.1\r\nHost: a\r\n"
    static let put = "PUT /x HTTP/1.1\r\nHost: a\r\n"
    static let chunked = put + "Transfer-Encoding: chunked\r\n\r\n"

    static let corpus: [Case] = [
        // Request smuggling: framing that two parsers could read differently.
        Case(name: "Content-Length and Transfer-Encoding", text: put + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", status: 400),
        Case(name: "Transfer-Encoding and Content-Length", text: put + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", status: 400),
        Case(name: "two different Content-Lengths", text: put + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", status: 400),
        Case(name: "different Content-Lengths in a list", text: put + "Content-Length: 5, 6\r\n\r\nhello!", status: 400),
        Case(name: "Content-Length list with an empty element", text: put + "Content-Length: 5,\r\n\r\nhello", status: 400),
        Case(name: "non-numeric Content-Length", text: put + "Content-Length: abc\r\n\r\n", status: 400),
        Case(name: "negative Content-Length", text: put + "Content-Length: -1\r\n\r\n", status: 400),
        Case(name: "signed Content-Length", text: put + "Content-Length: +5\r\n\r\nhello", status: 400),
        Case(name: "hex Content-Length", text: put + "Content-Length: 0x5\r\n\r\nhello", status: 400),
        Case(name: "Content-Length with inner space", text: put + "Content-Length: 1 2\r\n\r\n", status: 400),
        Case(name: "empty Content-Length", text: put + "Content-Length:\r\n\r\n", status: 400),
        Case(name: "Content-Length with a vertical tab", text: put + "Content-Length: \u{0B}5\r\n\r\nhello", status: 400),
        Case(name: "Transfer-Encoding gzip only", text: put + "Transfer-Encoding: gzip\r\n\r\n", status: 400),
        Case(name: "chunked not final", text: put + "Transfer-Encoding: chunked, gzip\r\n\r\n", status: 400),
        Case(name: "chunked not final across fields", text: put + "Transfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n\r\n", status: 400),
        Case(name: "chunked twice", text: put + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", status: 400),
        Case(name: "identity transfer coding", text: put + "Transfer-Encoding: identity\r\n\r\n", status: 400),
        Case(name: "chunked with a prefix", text: put + "Transfer-Encoding: xchunked\r\n\r\n", status: 400),
        Case(name: "quoted chunked", text: put + "Transfer-Encoding: \"chunked\"\r\n\r\n", status: 400),
        Case(name: "empty Transfer-Encoding", text: put + "Transfer-Encoding:\r\n\r\n", status: 400),
        Case(name: "Transfer-Encoding in HTTP/1.0", text: "PUT /x HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", status: 400),
        Case(name: "space before the colon", text: put + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n", status: 400),
        Case(name: "tab before the colon", text: ok + "Content-Length\t: 0\r\n\r\n", status: 400),
        Case(name: "obs-fold with a space", text: ok + "X-A: one\r\n two\r\n\r\n", status: 400),
        Case(name: "obs-fold with a tab", text: ok + "X-A: one\r\n\ttwo\r\n\r\n", status: 400),
        Case(name: "folded Transfer-Encoding", text: put + "Transfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n", status: 400),
        Case(name: "vertical tab in a field name", text: put + "\u{0B}Transfer-Encoding: chunked\r\n\r\n", status: 400),
        Case(name: "vertical tab in a Transfer-Encoding value", text: put + "Transfer-Encoding: \u{0B}chunked\r\n\r\n", status: 400),
        Case(name: "parenthesis in a field name", text: ok + "X(a): 1\r\n\r\n", status: 400),
        Case(name: "quote in a field name", text: ok + "X\"a: 1\r\n\r\n", status: 400),
        Case(name: "non-ASCII field name", text: ok + "Xé: 1\r\n\r\n", status: 400),
        Case(name: "empty field name", text: ok + ": 1\r\n\r\n", status: 400),
        Case(name: "field without a colon", text: ok + "X-A 1\r\n\r\n", status: 400),
        Case(name: "NUL in a field value", text: ok + "X-A: a\u{00}b\r\n\r\n", status: 400),
        Case(name: "DEL in a field value", text: ok + "X-A: a\u{7F}b\r\n\r\n", status: 400),
        Case(name: "bare CR in a field value", text: ok + "X-A: a\rb\r\n\r\n", status: 400),
        Case(name: "bare CR ending a field", text: ok + "X-A: a\r\r\n\r\n", status: 400),
        Case(name: "bare CR in the request line", text: "GET /\r HTTP/1.1\r\nHost: a\r\n\r\n", status: 400),
        Case(name: "bare LF line endings", text: "GET / HTTP/1.1\nHost: a\n\n", status: 400),
        Case(name: "bare LF ending the header section", text: ok + "\n", status: 400),
        Case(name: "bare LF ending a field", text: ok + "X-A: 1\n\r\n", status: 400),
        // Chunked framing.
        Case(name: "non-hex chunk size", text: chunked + "zz\r\n", status: 400),
        Case(name: "empty chunk size", text: chunked + "\r\n", status: 400),
        Case(name: "negative chunk size", text: chunked + "-1\r\n", status: 400),
        Case(name: "0x chunk size", text: chunked + "0x5\r\nhello\r\n0\r\n\r\n", status: 400),
        Case(name: "chunk size with leading space", text: chunked + " 5\r\nhello\r\n0\r\n\r\n", status: 400),
        Case(name: "chunk size with garbage after it", text: chunked + "5 x\r\nhello\r\n0\r\n\r\n", status: 400),
        Case(name: "chunk extension with a control character", text: chunked + "5;a=\u{01}\r\nhello\r\n0\r\n\r\n", status: 400),
        Case(name: "chunk data longer than its size", text: chunked + "3\r\nhello\r\n0\r\n\r\n", status: 400),
        Case(name: "chunk data without CRLF", text: chunked + "5\r\nhelloXY0\r\n\r\n", status: 400),
        Case(name: "chunk size line with a bare LF", text: chunked + "5\nhello\r\n0\r\n\r\n", status: 400),
        Case(name: "chunk size with trailing white space", text: chunked + "5 \r\nhello\r\n0\r\n\r\n", status: 400),
        Case(name: "empty chunk extension", text: chunked + "5;\r\nhello\r\n0\r\n\r\n", status: 400),
        Case(name: "chunk extension name with a space", text: chunked + "5;a b\r\nhello\r\n0\r\n\r\n", status: 400),
        Case(name: "chunk extension without a value", text: chunked + "5;a=\r\nhello\r\n0\r\n\r\n", status: 400),
        Case(name: "chunk extension with an unterminated quote", text: chunked + "5;a=\"x\r\nhello\r\n0\r\n\r\n", status: 400),
        Case(name: "overlong chunk extension", text: chunked + "5;" + String(repeating: "e", count: 2000) + "\r\n", status: 400),
        Case(name: "malformed trailer", text: chunked + "0\r\nbad trailer\r\n\r\n", status: 400),
        // Request line and target.
        Case(name: "HTTP/1.1 without Host", text: "GET / HTTP/1.1\r\n\r\n", status: 400),
        Case(name: "two Host fields", text: ok + "Host: b\r\n\r\n", status: 400),
        Case(name: "Host with a space", text: "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", status: 400),
        Case(name: "Host with userinfo", text: "GET / HTTP/1.1\r\nHost: u@h\r\n\r\n", status: 400),
        Case(name: "Host with a non-numeric port", text: "GET / HTTP/1.1\r\nHost: a:x\r\n\r\n", status: 400),
        Case(name: "Host with two colons", text: "GET / HTTP/1.1\r\nHost: a:1:2\r\n\r\n", status: 400),
        Case(name: "Host with an unclosed IP literal", text: "GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", status: 400),
        Case(name: "Host with a path", text: "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", status: 400),
        Case(name: "absolute-form target", text: "GET http://a/ HTTP/1.1\r\nHost: a\r\n\r\n", status: 400),
        Case(name: "authority-form target", text: "GET a:80 HTTP/1.1\r\nHost: a\r\n\r\n", status: 400),
        Case(name: "asterisk for GET", text: "GET * HTTP/1.1\r\nHost: a\r\n\r\n", status: 400),
        Case(name: "malformed percent-encoding", text: "GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n", status: 400),
        Case(name: "truncated percent-encoding", text: "GET /a%2 HTTP/1.1\r\nHost: a\r\n\r\n", status: 400),
        Case(name: "invalid UTF-8 in a path segment", text: "GET /%FF HTTP/1.1\r\nHost: a\r\n\r\n", status: 400),
        Case(name: "overlong UTF-8 in a path segment", text: "GET /%C0%AF HTTP/1.1\r\nHost: a\r\n\r\n", status: 400),
        Case(name: "truncated UTF-8 in the query", text: "GET /?a=%C3 HTTP/1.1\r\nHost: a\r\n\r\n", status: 400),
        Case(name: "fragment in the target", text: "GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n", status: 400),
        Case(name: "non-ASCII target", text: "GET /café HTTP/1.1\r\nHost: a\r\n\r\n", status: 400),
        Case(name: "two spaces after the method", text: "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", status: 400),
        Case(name: "leading space", text: " GET / HTTP/1.1\r\nHost: a\r\n\r\n", status: 400),
        Case(name: "trailing space", text: "GET / HTTP/1.1 \r\nHost: a\r\n\r\n", status: 400),
        Case(name: "missing target", text: "GET HTTP/1.1\r\nHost: a\r\n\r\n", status: 400),
        Case(name: "lower-case version", text: "GET / http/1.1\r\nHost: a\r\n\r\n", status: 400),
        Case(name: "version with two-digit minor", text: "GET / HTTP/1.10\r\nHost: a\r\n\r\n", status: 400),
        Case(name: "invalid method character", text: "GE(T / HTTP/1.1\r\nHost: a\r\n\r\n", status: 400),
        Case(name: "garbage", text: "\u{16}\u{03}\u{01}\u{02}\u{00}\u{01}\r\n\r\n", status: 400),
        Case(name: "a TLS ClientHello, no line end", text: "\u{16}\u{03}\u{01}\u{00}\u{20}\u{01}", status: 400),
        Case(name: "a method byte no method has, no line end", text: "\r\nGE{T /", status: 400),
        // Sizes.
        Case(name: "header section over 16 KiB", text: ok + "X-A: " + String(repeating: "a", count: 16 * 1024) + "\r\n\r\n", status: 431),
        Case(name: "header section over 16 KiB, never ending", text: ok + "X-A: " + String(repeating: "a", count: 17 * 1024), status: 431),
        Case(name: "request line over 16 KiB", text: "GET /" + String(repeating: "a", count: 16 * 1024) + " HTTP/1.1\r\nHost: a\r\n\r\n", status: 414),
        Case(name: "request-target over 16 KiB, never ending", text: "GET /" + String(repeating: "a", count: 17 * 1024), status: 414),
        Case(name: "request line over 16 KiB after empty lines", text: "\r\n\r\nGET /" + String(repeating: "a", count: 16 * 1024), status: 414),
        // The bad method byte lies past the limit the empty lines left: the length decides, split or not.
        Case(name: "bad method byte past the limit after empty lines", text: "\r\n\r\n" + String(repeating: "G", count: 16381) + "{ / HTTP/1.1\r\nHost: x\r\n\r\n", status: 414),
        Case(name: "101 header fields", text: ok + (1...100).map { "X-\($0): 1\r\n" }.joined() + "\r\n", status: 431),
        Case(name: "101 trailer fields", text: chunked + "0\r\n" + (1...101).map { "X-\($0): 1\r\n" }.joined() + "\r\n", status: 431),
        Case(name: "endless empty lines", text: String(repeating: "\r\n", count: 9000), status: 431),
        Case(name: "Content-Length over 64 KiB", text: put + "Content-Length: 65537\r\n\r\n", status: 413),
        Case(name: "Content-Length over Int", text: put + "Content-Length: 99999999999999999999999999\r\n\r\n", status: 413),
        Case(name: "chunk over 64 KiB", text: chunked + "10001\r\n", status: 413),
        Case(name: "chunks adding up over 64 KiB", text: chunked + "8000\r\n" + String(repeating: "a", count: 0x8000) + "\r\n8001\r\n", status: 413),
        Case(name: "chunk size over Int", text: chunked + "fffffffffffffffffffffff\r\n", status: 413),
        // Methods and versions.
        Case(name: "CONNECT with an authority-form target", text: "CONNECT a:443 HTTP/1.1\r\nHost: a\r\n\r\n", status: 400),
        Case(name: "unsupported transfer coding before chunked", text: put + "Transfer-Encoding: gzip, chunked\r\n\r\n", status: 501),
        Case(name: "HTTP/2.0", text: "GET / HTTP/2.0\r\nHost: a\r\n\r\n", status: 505),
        Case(name: "HTTP/1.2", text: "GET / HTTP/1.2\r\nHost: a\r\n\r\n", status: 505),
        Case(name: "HTTP/0.9", text: "GET / HTTP/0.9\r\n\r\n", status: 505),
        Case(name: "HTTP/3.0 with an unknown method", text: "PATCH / HTTP/3.0\r\n\r\n", status: 505),
    ]

    @Test func corpusIsLargeEnough() {
        #expect(Self.corpus.count >= 50)
    }

    @Test(arguments: corpus)
    func refusedWithTheExactStatus(_ example: Case) {
        let bytes = Array(example.text.utf8)
        let whole = ParsedEvent.parse([bytes])
        #expect(whole.error?.status.code == example.status, "\(example.name): \(String(describing: whole.error))")
        #expect(whole.events.filter(\.isRequest).isEmpty)
        // Split anywhere, the verdict is the same.
        for split in stride(from: 0, through: bytes.count, by: max(1, bytes.count / 64)) {
            let parsed = ParsedEvent.parse([Array(bytes[..<split]), Array(bytes[split...])])
            #expect(parsed.error?.status.code == example.status, "\(example.name) split at \(split)")
        }
    }
}
