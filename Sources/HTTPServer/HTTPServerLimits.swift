public struct HTTPServerLimits: Sendable, Hashable {
    /// Request line + header section → 431.
    public var maximumHeaderBytes = 16 * 1024
    /// Header fields (and, separately, trailer fields) → 431.
    public var maximumHeaderCount = 100
    /// Decoded body → 413.
    public var maximumBodyBytes = 64 * 1024
    /// From the first byte of a request to the end of its header section → 408.
    public var headerTimeout: Duration = .seconds(10)
    /// From the end of a header section to the end of its body → 408. A deadline for the whole
    /// body, not per byte: a client trickling one byte a minute must not hold a connection for days.
    public var bodyTimeout: Duration = .seconds(10)
    /// No request in progress; also the longest a response write may wait for the client to read.
    public var idleTimeout: Duration = .seconds(60)
    /// Connections beyond this are accepted and closed at once.
    public var maximumConnections = 10_000
    /// Requests read but not yet answered on one connection; beyond it the connection is not read.
    public var maximumPipelinedRequests = 64
    public var shutdownGracePeriod: Duration = .seconds(10)

    public init() {}

    public var parserLimits: HTTPParserLimits {
        HTTPParserLimits(
            maximumHeaderBytes: maximumHeaderBytes,
            maximumHeaderCount: maximumHeaderCount,
            maximumBodyBytes: maximumBodyBytes
        )
    }
}
