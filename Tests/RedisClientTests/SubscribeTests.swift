import EventLoops
import Foundation
import RedisClient
import Testing

/// Messages a subscription received (handlers run on a client queue).
final class MessageInbox: Sendable {
    private let messages = PthreadLock<[[UInt8]]>([])

    func add(_ message: [UInt8]) {
        messages.withLock { $0.append(message) }
    }

    func contains(_ message: [UInt8]) -> Bool {
        messages.withLock { $0.contains(message) }
    }
}

@Suite struct SubscribeTests {
    @Test func receivesMessagesPublishedByAnotherClient() async throws {
        let subscriber = TestEnvironment.connectedClient(try TestEnvironment.sharedConfiguration())
        defer { subscriber.close() }
        let publisher = TestEnvironment.connectedClient(try TestEnvironment.sharedConfiguration())
        defer { publisher.close() }
        let channel = TestEnvironment.keyPrefix() + "channel"
        let inbox = MessageInbox()
        let secondInbox = MessageInbox()
        subscriber.subscribe(channel: channel) { inbox.add($0) }
        subscriber.subscribe(channel: channel) { secondInbox.add($0) }

        #expect(await TestEnvironment.eventually {
            (try? await publisher.send(RedisCommand("PUBLISH", channel, "ready")))?.integer == 1
        })
        var binary = RedisCommand("PUBLISH", channel)
        binary.append(bytes: [0, 0xFF, 0x41])
        #expect(try await publisher.send(binary) == .integer(1))
        #expect(await TestEnvironment.eventually { inbox.contains([0, 0xFF, 0x41]) && secondInbox.contains([0, 0xFF, 0x41]) })
    }

    /// A SUBSCRIBE issued on a connection already up goes out at once, not with the next reconnect.
    @Test func aChannelAddedOnceSubscribedReceivesMessages() async throws {
        let subscriber = TestEnvironment.connectedClient(try TestEnvironment.sharedConfiguration())
        defer { subscriber.close() }
        let publisher = TestEnvironment.connectedClient(try TestEnvironment.sharedConfiguration())
        defer { publisher.close() }
        let first = TestEnvironment.keyPrefix() + "first"
        let second = TestEnvironment.keyPrefix() + "second"
        subscriber.subscribe(channel: first) { _ in }
        #expect(await TestEnvironment.eventually {
            (try? await publisher.send(RedisCommand("PUBLISH", first, "up")))?.integer == 1
        })
        let inbox = MessageInbox()
        subscriber.subscribe(channel: second) { inbox.add($0) }
        #expect(await TestEnvironment.eventually {
            _ = try? await publisher.send(RedisCommand("PUBLISH", second, "later"))
            return inbox.contains(Array("later".utf8))
        })
    }

    @Test func subscribesAgainAfterRedisRestarts() async throws {
        let server = try TestRedisServer()
        try await server.start()
        defer { server.stop() }  // also keeps the server alive until here
        let subscriber = TestEnvironment.connectedClient(try TestEnvironment.configuration(url: server.url))
        defer { subscriber.close() }
        let publisher = TestEnvironment.connectedClient(try TestEnvironment.configuration(url: server.url))
        defer { publisher.close() }
        let inbox = MessageInbox()
        subscriber.subscribe(channel: "events") { inbox.add($0) }
        #expect(await TestEnvironment.eventually {
            _ = try? await publisher.send(RedisCommand("PUBLISH", "events", "before"))
            return inbox.contains(Array("before".utf8))
        })

        server.stop()
        try await server.start()
        #expect(await TestEnvironment.eventually {
            _ = try? await publisher.send(RedisCommand("PUBLISH", "events", "after"))
            return inbox.contains(Array("after".utf8))
        }, "the subscription is renewed after the reconnect")
    }
}
