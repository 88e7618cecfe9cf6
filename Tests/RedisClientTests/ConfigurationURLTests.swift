import RedisClient
import Testing

@Suite struct ConfigurationURLTests {
    @Test func parsesHostPortAndDatabase() throws {
        let configuration = try RedisConfiguration(url: "redis://redis.example:6380/4")
        #expect(configuration.endpoint == .tcp(host: "redis.example", port: 6380))
        #expect(configuration.database == 4)
        #expect(configuration.username == nil && configuration.password == nil)

        let defaults = try RedisConfiguration(url: "redis://localhost")
        #expect(defaults.endpoint == .tcp(host: "localhost", port: 6379))
        #expect(defaults.database == 0)
        #expect(try RedisConfiguration(url: "REDIS://h:1/").endpoint == .tcp(host: "h", port: 1))
    }

    @Test func parsesPercentEncodedCredentials() throws {
        let both = try RedisConfiguration(url: "redis://us%40er:p%3Ass%2Fw%C3%B6rd@127.0.0.1:7000/2")
        #expect(both.username == "us@er")
        #expect(both.password == "p:ss/wörd")
        #expect(both.endpoint == .tcp(host: "127.0.0.1", port: 7000))
        #expect(both.database == 2)

        let passwordOnly = try RedisConfiguration(url: "redis://:secret@host")
        #expect(passwordOnly.username == nil)
        #expect(passwordOnly.password == "secret")
    }

    @Test func parsesIPv6InBrackets() throws {
        #expect(try RedisConfiguration(url: "redis://[::1]:6390/1").endpoint == .tcp(host: "::1", port: 6390))
        #expect(try RedisConfiguration(url: "redis://[fe80::1%25eth0]").endpoint == .tcp(host: "fe80::1%eth0", port: 6379))
    }

    @Test func parsesUnixSockets() throws {
        let plain = try RedisConfiguration(url: "unix:///var/run/redis/redis.sock")
        #expect(plain.endpoint == .unix(path: "/var/run/redis/redis.sock"))
        #expect(plain.database == 0)
        let withDatabase = try RedisConfiguration(url: "unix:///tmp/my%20redis.sock?db=5")
        #expect(withDatabase.endpoint == .unix(path: "/tmp/my redis.sock"))
        #expect(withDatabase.database == 5)
    }

    @Test(arguments: [
        ("localhost:6379", "no scheme"),
        ("http://localhost", "unsupported scheme"),
        ("rediss://localhost", "TLS"),
        ("redis://", "host is missing"),
        ("redis://:6379", "host is missing"),
        ("redis://host:0", "port"),
        ("redis://host:65536", "port"),
        ("redis://host:", "port"),
        ("redis://host:12ab", "port"),
        ("redis://host/x", "database"),
        ("redis://host/-1", "database"),
        ("redis://host/1/2", "database"),
        ("redis://host?db=1", "no query"),
        ("redis://::1", "brackets"),
        ("redis://[::1", "closing"),
        ("redis://[::1]x", "unexpected"),
        ("redis://ho st", "not a valid host"),
        ("redis://user@host", "user info"),
        ("redis://user:@host", "password is empty"),
        ("redis://:p%zz@host", "percent-escape"),
        ("redis://:%ff@host", "UTF-8"),
        ("redis://host#x", "fragment"),
        ("unix://relative.sock", "absolute path"),
        ("unix:///", "path is missing"),
        ("unix:///tmp/r.sock?database=1", "unknown query parameter"),
        ("unix:///tmp/r.sock?db=x", "database"),
        ("unix:///" + String(repeating: "a", count: 120), "107 bytes"),
    ])
    func rejectsBadURLsWithAClearMessage(url: String, expected: String) {
        do {
            let configuration = try RedisConfiguration(url: url)
            Issue.record("\(url) parsed as \(configuration)")
        } catch {
            #expect(error.message.contains(expected), "\(url): \(error.message)")
        }
    }

    @Test func endpointsAreNamedAsLogLinesWriteThem() throws {
        #expect(try RedisConfiguration(url: "redis://[::1]:6380").endpoint.description == "[::1]:6380")
        #expect(try RedisConfiguration(url: "redis://redis.example").endpoint.description == "redis.example:6379")
        #expect(try RedisConfiguration(url: "unix:///run/redis.sock").endpoint.description == "unix:/run/redis.sock")
    }
}
