/// A failed store operation. `name` and `message` are the contract's (section 3) for validation
/// errors, so the API can put them in the response body as they are.
public struct SessionStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: String, Sendable, Hashable {
        case invalidFormat, missingParameter, invalidValue, redisUnavailable, replicationTimeout, internalError
    }

    private let code: Code
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The contract's error name, e.g. "invalidFormat".
    public var name: String { code.rawValue }
    /// The API answers 400.
    public var isValidationError: Bool { code == .invalidFormat || code == .missingParameter || code == .invalidValue }
    /// The API answers 503 (`redisUnavailable` or `replicationTimeout`).
    public var isRedisUnavailable: Bool { code == .redisUnavailable || code == .replicationTimeout }
    public var description: String { "\(name): \(message)" }

    public static let invalidApp = SessionStoreError(.invalidFormat, "Invalid app format")
    public static let missingId = SessionStoreError(.missingParameter, "No id supplied")
    public static let invalidId = SessionStoreError(.invalidFormat, "Invalid id format")
    public static let missingIp = SessionStoreError(.missingParameter, "No ip supplied")
    public static let invalidIp = SessionStoreError(.invalidFormat, "Invalid ip format")
    public static let invalidToken = SessionStoreError(.invalidFormat, "Invalid token format")
    public static let invalidTTL = SessionStoreError(.invalidValue, "ttl must be a positive integer >= 10")
    public static let invalidDT = SessionStoreError(.invalidValue, "dt must be a positive integer >= 10")
    public static let dataNotObject = SessionStoreError(.invalidValue, "d must be an object")
    public static let dataWithoutKeys = SessionStoreError(.invalidValue, "d must contain at least one key.")
    public static let invalidMaxAge = SessionStoreError(.invalidValue, "max_age must be a positive integer >= 10")
    public static let invalidMaxSessions = SessionStoreError(.invalidValue, "max_sessions must be an integer from 1 to 1000")
    public static let invalidTouch = SessionStoreError(.invalidValue, "touch must be true or false")
    public static let invalidLimit = SessionStoreError(.invalidValue, "limit must be an integer from 1 to 1000")
    public static let invalidOffset = SessionStoreError(.invalidValue, "offset must be an integer >= 0")
    public static let redisUnavailable = SessionStoreError(.redisUnavailable, "Redis is unavailable")
    /// The write was made on the master but fewer replicas than required acknowledged it in time:
    /// a failover now could lose it, so it is not reported as done.
    public static let replicationTimeout = SessionStoreError(
        .replicationTimeout, "Too few Redis replicas acknowledged the write in time")

    public static func forbiddenDataType(key: String) -> SessionStoreError {
        SessionStoreError(.invalidValue, "d.\(key) has a forbidden type. Only strings, numbers, boolean and null are allowed.")
    }

    public static func internalError(_ message: String) -> SessionStoreError {
        SessionStoreError(.internalError, message)
    }
}
