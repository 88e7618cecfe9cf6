import CHiredis
@testable import RedisClient
import Testing

/// hiredis's reader with the arena reply builder (cshim_use_reply_arenas), fed bytes by hand.
@Suite struct ReplyArenaTests {
    /// Nested arrays, every kind of node, nils of both kinds, an empty array, binary bytes.
    static let mixed = Array(("*7\r\n:42\r\n+OK\r\n$5\r\nh\0\r\no\r\n$-1\r\n*-1\r\n*0\r\n"
        + "*3\r\n-ERR inside\r\n*2\r\n:-7\r\n$0\r\n\r\n$3\r\nend\r\n").utf8)
    static let mixedReply = RedisReply.array([
        .integer(42), .simpleString("OK"), .bulkString(Array("h\0\r\no".utf8)), .null, .null, .array([]),
        .array([.error("ERR inside"), .array([.integer(-7), .bulkString([])]), .bulkString(Array("end".utf8))]),
    ])

    @Test func aReplySplitAtEveryOffsetIsReadWhole() throws {
        for split in 0...Self.mixed.count {
            let reply = try Self.read([Array(Self.mixed[..<split]), Array(Self.mixed[split...])])
            #expect(reply == Self.mixedReply, "split at \(split)")
        }
    }

    /// The get script's reply for a session of a long id and some data: one malloc'ed chunk, and
    /// that one small enough for glibc's per-thread cache (see CSHIM_REPLY_CHUNK_SIZE).
    @Test func aSessionReplyTakesOneChunk() throws {
        let id = String(repeating: "u", count: 64)
        let data = #"{"cart":[1,2,3],"name":"Ada Lovelace","theme":"dark","flags":{"beta":true}}"#
        let resp = "*9\r\n$64\r\n\(id)\r\n:12\r\n:3\r\n:7200\r\n:0\r\n$15\r\n192.168.100.200\r\n:0\r\n"
            + "$\(data.utf8.count)\r\n\(data)\r\n$-1\r\n"
        #expect(try Self.chunkCount(of: Array(resp.utf8)) == 1)
        var large = Array("*40\r\n".utf8)
        for _ in 0..<40 { large += Array("$10\r\n0123456789\r\n".utf8) }
        #expect(try Self.chunkCount(of: large) > 1)
    }

    /// More than one chunk: strings longer than a chunk, and more nodes than fit in one.
    @Test(arguments: [1, 100, 5_000])
    func largeRepliesSpanSeveralChunks(elementCount: Int) throws {
        let elements = (0..<elementCount).map(Self.element)
        var resp = Array("*\(elementCount)\r\n".utf8)
        for element in elements { Self.encode(element, into: &resp) }
        // Fed in pieces of 1,000 bytes: nodes made in earlier reads stay in the arena.
        let pieces = stride(from: 0, to: resp.count, by: 1_000).map { Array(resp[$0..<min($0 + 1_000, resp.count)]) }
        #expect(try Self.read(pieces) == .array(elements))
        #expect(try Self.read([Array("$70000\r\n".utf8) + Array(repeating: 0x78, count: 70_000) + Array("\r\n".utf8)])
            == .bulkString(Array(repeating: 0x78, count: 70_000)))
    }

    /// A protocol error in the middle of a reply, and a reader freed in the middle of one, free the
    /// partial tree (the sanitizer runs of this test report a leak or a double free).
    @Test func partialRepliesAreFreedOnErrorsAndWithTheReader() throws {
        let failing = try #require(redisReaderCreate())
        cshim_use_reply_arenas(failing)
        Self.feed(failing, Array("*3\r\n$3\r\nabc\r\n*2\r\n:1\r\n".utf8))
        var reply: UnsafeMutableRawPointer?
        #expect(redisReaderGetReply(failing, &reply) == REDIS_OK && reply == nil)
        Self.feed(failing, Array("?bad\r\n".utf8))
        #expect(redisReaderGetReply(failing, &reply) == REDIS_ERR)
        redisReaderFree(failing)

        let abandoned = try #require(redisReaderCreate())
        cshim_use_reply_arenas(abandoned)
        Self.feed(abandoned, Array("*2\r\n$5\r\nhello\r\n".utf8))
        #expect(redisReaderGetReply(abandoned, &reply) == REDIS_OK && reply == nil)
        redisReaderFree(abandoned)
    }

    private static func element(_ index: Int) -> RedisReply {
        switch index % 3 {
        case 0: .bulkString(Array(repeating: UInt8(index % 251), count: index % 7 == 0 ? 3_000 : 20))
        case 1: .integer(Int64(index))
        default: .array([.null, .simpleString("s\(index)")])
        }
    }

    private static func read(_ pieces: [[UInt8]]) throws -> RedisReply? {
        try withReply(pieces) { reply in reply.map { RedisReply(hiredis: $0.assumingMemoryBound(to: redisReply.self)) } }
    }

    private static func chunkCount(of resp: [UInt8]) throws -> Int {
        try withReply([resp]) { reply in cshim_reply_chunk_count(try #require(reply)) }
    }

    /// `body` with the reply read from `pieces` (nil if they hold no whole reply), freed after it.
    private static func withReply<Result>(_ pieces: [[UInt8]], _ body: (UnsafeMutableRawPointer?) throws -> Result) throws -> Result {
        let reader = try #require(redisReaderCreate())
        defer { redisReaderFree(reader) }
        cshim_use_reply_arenas(reader)
        var reply: UnsafeMutableRawPointer?
        for piece in pieces where reply == nil {
            feed(reader, piece)
            try #require(redisReaderGetReply(reader, &reply) == REDIS_OK)
        }
        defer { if let reply { reader.pointee.fn.pointee.freeObject(reply) } }
        return try body(reply)
    }

    private static func feed(_ reader: UnsafeMutablePointer<redisReader>, _ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { _ = redisReaderFeed(reader, $0.baseAddress, $0.count) }
        }
    }

    private static func encode(_ reply: RedisReply, into resp: inout [UInt8]) {
        switch reply {
        case .null: resp += Array("$-1\r\n".utf8)
        case .integer(let value): resp += Array(":\(value)\r\n".utf8)
        case .simpleString(let text): resp += Array("+\(text)\r\n".utf8)
        case .error(let text): resp += Array("-\(text)\r\n".utf8)
        case .bulkString(let bytes): resp += Array("$\(bytes.count)\r\n".utf8) + bytes + Array("\r\n".utf8)
        case .array(let elements):
            resp += Array("*\(elements.count)\r\n".utf8)
            for element in elements { encode(element, into: &resp) }
        }
    }
}
