/// Redis Sentinel: the sentinels to ask where the master named `masterName` is.
public struct SentinelConfiguration: Sendable, Hashable {
    /// Asked in turn (starting with the one that answered last) until one names the master.
    public var sentinels: [RedisConfiguration.Endpoint]
    public var masterName: String
    /// AUTH for the sentinels (Sentinel's own `requirepass`), not for the master.
    public var username: String? = nil
    public var password: String? = nil

    public init(sentinels: [RedisConfiguration.Endpoint], masterName: String) {
        self.sentinels = sentinels
        self.masterName = masterName
    }
}
