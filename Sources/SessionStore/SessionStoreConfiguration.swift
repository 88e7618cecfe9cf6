public struct SessionStoreConfiguration: Sendable, Hashable {
    /// Key prefix without the colon: keys are `NS:...` (the Node.js library's default is "rs").
    public var namespace: String = "rs"
    /// Seconds between wipes of expired sessions; 0 disables the timer; 1 to 9 count as 10.
    public var wipeInterval: Int = 600
    /// How soon a wipe of the timer's that failed is tried again; doubled after each further
    /// failure, never beyond wipeInterval.
    var wipeRetryDelay: Duration = .seconds(10)
    /// Seconds a get reply may be served from this instance's memory; 0 = no cache.
    public var cacheTime: Int = 0
    /// Least recently used entries are dropped beyond this count.
    public var cacheMaximumEntries: Int = 5000
    /// create, set, rotate and kill answer only once this many replicas have their write (`WAIT` on the
    /// script's connection); fewer in time fail with `replicationTimeout`. 0: no waiting.
    public var waitReplicas: Int = 0
    /// How long `WAIT` waits for them, in milliseconds.
    public var waitTimeoutMilliseconds: Int = 1000
    /// Entries an unpaged soapp or soid reads per script call. Reading a session costs Redis about
    /// 6 µs: `make bench-growth` measured 1.5 ms per call at the median, 2.4 ms at the 99th
    /// percentile. Tests make it small.
    var listingBatchSize: Int = 250

    public init() {}
}
