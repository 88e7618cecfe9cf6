@testable import RedisClient
import Testing

@Suite struct ScriptTests {
    @Test func sha1MatchesKnownVectors() {
        #expect(SHA1.hexDigest(of: []) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(SHA1.hexDigest(of: Array("abc".utf8)) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(SHA1.hexDigest(of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        #expect(SHA1.hexDigest(of: [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
            == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    @Test func evaluateFallsBackToEvalAfterScriptFlush() async throws {
        // A server of its own: other tests flushing the shared server's scripts would race SCRIPT EXISTS.
        let (server, client) = try await TestEnvironment.ownServerWithClient(commandTimeout: .seconds(30))
        defer {
            client.close()
            server.stop()
        }
        let key = TestEnvironment.keyPrefix() + "script"
        // Multi-byte source: the SHA-1 is over its UTF-8 bytes, as Redis computes it.
        let script = RedisScript("-- grüße \(key)\nredis.call('SET', KEYS[1], ARGV[1]); return redis.call('GET', KEYS[1]) .. ARGV[2]")
        let loaded = try await client.send(RedisCommand("SCRIPT", "LOAD", script.source))
        #expect(loaded.string == script.sha1)

        #expect(try await client.evaluate(script, keys: [key], arguments: ["a", "b"]).string == "ab")
        _ = try await client.send(RedisCommand("SCRIPT", "FLUSH"))
        #expect(try await client.evaluate(script, keys: [key], arguments: ["c", "d"]).string == "cd")
        let exists = try await client.send(RedisCommand("SCRIPT", "EXISTS", script.sha1))
        #expect(exists == .array([.integer(1)]), "EVAL loaded the script again")

        let failing = RedisScript("return redis.error_reply('script says no')")
        let error = try #require(await evaluationError(client, failing))
        #expect(error == .reply("script says no"))
    }

    @Test func preloadedScriptsAreLoadedAtOnceAndAfterEveryReconnect() async throws {
        let (server, client) = try await TestEnvironment.ownServerWithClient(commandTimeout: .seconds(30))
        defer {
            client.close()
            server.stop()
        }
        #expect(await TestEnvironment.eventually { await client.pingSucceeds() })
        let script = RedisScript("return 'preloaded \(UInt64.random(in: 0...UInt64.max))'")
        let exists = RedisCommand("SCRIPT", "EXISTS", script.sha1)
        // Connected already: loaded now, though nothing ran the script.
        client.preload([script])
        #expect(await TestEnvironment.eventually { (try? await client.send(exists)) == .array([.integer(1)]) })

        // Forgotten, then the connections dropped: each reconnect loads it ahead of any command, so
        // the first answer after the reconnect finds it.
        _ = try await client.send(RedisCommand("SCRIPT", "FLUSH"))
        #expect(try await client.send(exists) == .array([.integer(0)]))
        _ = try? await client.send(RedisCommand("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "no"))
        #expect(await TestEnvironment.eventually { await client.pingSucceeds() })
        #expect(try await client.send(exists) == .array([.integer(1)]))
    }

    private func evaluationError(_ client: RedisClient, _ script: RedisScript) async -> RedisError? {
        do {
            _ = try await client.evaluate(script, keys: [], arguments: [])
            return nil
        } catch {
            return error
        }
    }
}
