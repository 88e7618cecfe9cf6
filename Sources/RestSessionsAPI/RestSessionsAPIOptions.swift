/// What the operating features of the API need from the executable; the defaults leave the
/// reference API as it is (no keys, no metrics route).
public struct RestSessionsAPIOptions: Sendable {
    /// The cookie `GET /:app/auth` reads the token from when the request names none (`?cookie=`).
    public var authCookie: String? = nil
    /// With keys, every route but /ping, /health, /ready and /metrics needs `X-Api-Key`.
    public var apiKeys: APIKeys? = nil
    /// The body of `GET /metrics` (Prometheus text format); nil answers /metrics with 404.
    public var metricsText: (@Sendable () -> [UInt8])? = nil
    /// How long `GET /ready` waits for Redis's PONG before answering 503.
    public var readinessTimeout: Duration = .seconds(1)

    public init() {}
}
