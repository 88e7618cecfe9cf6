import EventLoops
import JSONText
import RedisClient
import TestSupport
import Testing
@testable import SessionStore

/// Gets, sets and creates made in one pass of a loop travel as batched script calls (see
/// RedisBatchedScript): each must still get its own answer, in call order, and fail alone.
@Suite struct SessionBatchingTests {
    /// The answers of every operation, each started in one task on a loop of the store's client,
    /// so that all of them are made in the same pass.
    private static func inOnePass(_ operations: [@Sendable (SessionStore, @escaping @Sendable (String) -> Void) -> Void],
                                  on store: SessionStore) async -> [String] {
        let answers = PthreadLock([String?](repeating: nil, count: operations.count))
        return await withCheckedContinuation { continuation in
            EventLoopGroup.shared.loops[0].execute {
                for (index, operation) in operations.enumerated() {
                    operation(store) { answer in
                        let all: [String]? = answers.withLock { answers in
                            answers[index] = answer
                            return answers.contains(nil) ? nil : answers.compactMap { $0 }
                        }
                        if let all { continuation.resume(returning: all) }
                    }
                }
            }
        }
    }

    private static func described(_ result: Result<Session?, SessionStoreError>) -> String {
        switch result {
        case .success(let session?): "\(session.id) r\(session.reads) w\(session.writes) \(session.data ?? "-")"
        case .success(nil): "none"
        case .failure(let error): error.name
        }
    }

    private static func data(_ key: String, _ number: String) -> JSONValue {
        .object(JSONObject([(key: key, value: .number(number))]))
    }

    @Test func operationsInOnePassEachGetTheirOwnAnswerInCallOrder() async throws {
        // A server of its own, so its command counts are this test's.
        let server = try PrivateRedisServer()
        defer { withExtendedLifetime(server) {} }
        // One connection, on the loop the pass runs on: with one per loop, a connection not up yet
        // sends the pass's calls to another loop's, one task each, which that loop may take in two
        // passes (one run in ten gave six script calls).
        let fixture = try await StoreFixture(url: server.url, redisConnections: 1)
        let app = StoreFixture.app
        let first = try await fixture.create(id: "first", data: #"{"a":1}"#)
        let second = try await fixture.create(id: "second")
        let corrupt = try await fixture.create(id: "corrupt")
        try await fixture.command("HSET", "\(fixture.namespace):\(app):\(corrupt)", "d", "not json")
        let missing = String(repeating: "m", count: 64)
        try await fixture.command("CONFIG", "RESETSTAT")

        let answers = await Self.inOnePass([
            { store, answer in store.get(app: app, token: first) { answer(Self.described($0)) } },
            { store, answer in store.get(app: app, token: missing) { answer(Self.described($0)) } },
            { store, answer in store.set(app: app, token: second, data: Self.data("x", "2")) { answer(Self.described($0)) } },
            { store, answer in store.set(app: app, token: corrupt, data: Self.data("y", "3")) { answer(Self.described($0)) } },
            { store, answer in store.set(app: app, token: second, data: Self.data("z", "4")) { answer(Self.described($0)) } },
            // After the sets in call order: it reads what both wrote.
            { store, answer in store.get(app: app, token: second, touch: "false") { answer(Self.described($0)) } },
            { store, answer in
                store.create(app: app, id: "third", ip: "10.0.0.9", ttl: nil, data: nil) { result in
                    answer((try? result.get()).map { "created \($0.token.count)" } ?? "create failed")
                }
            },
            { store, answer in store.get(app: app, token: first) { answer(Self.described($0)) } },
        ], on: fixture.store)

        #expect(answers == [
            #"first r1 w1 {"a":1}"#, "none", #"second r1 w2 {"x":2}"#, "internalError",
            #"second r1 w3 {"x":2,"z":4}"#, #"second r1 w3 {"x":2,"z":4}"#, "created 64", #"first r2 w1 {"a":1}"#,
        ])
        // Eight operations in five script calls: the two gets, the three sets, a get, the create, a get.
        let stats = try #require(try await fixture.command("INFO", "commandstats").string)
        #expect(stats.contains("cmdstat_evalsha:calls=5,"), "\(stats)")
        #expect(try await fixture.hash(first)["r"] == "3")
        #expect(try await fixture.hash(corrupt)["w"] == "1", "the failed set changed nothing")
        #expect(try await fixture.command("ZCARD", "\(fixture.namespace):\(app):_users").integer == 4)
    }

    /// A set of 4,500 keys is 9,002 arguments, more than Lua's unpack takes (about 8,000): the
    /// script reads a call's arguments from ARGV by position, so it and its batch work.
    @Test func aSetWithThousandsOfKeysWorksInItsBatch() async throws {
        let fixture = try await StoreFixture()
        let app = StoreFixture.app
        let large = try await fixture.create(id: "large")
        let small = try await fixture.create(id: "small")
        let members = (0..<4500).map { (key: "k\($0)", value: JSONValue.number("\($0)")) }
        let expected = "{" + members.map { "\"\($0.key)\":\($0.key.dropFirst())" }.joined(separator: ",") + "}"

        let answers = await Self.inOnePass([
            { store, answer in
                store.set(app: app, token: large, data: .object(JSONObject(members))) { result in
                    answer((try? result.get())??.data == expected ? "large set" : "large set failed: \(result)")
                }
            },
            { store, answer in store.set(app: app, token: small, data: Self.data("x", "1")) { answer(Self.described($0)) } },
            { store, answer in store.get(app: app, token: large, touch: "false") { answer((try? $0.get())??.data == expected ? "large read" : "large read failed") } },
        ], on: fixture.store)

        #expect(answers == ["large set", #"small r1 w2 {"x":1}"#, "large read"])
    }
}
