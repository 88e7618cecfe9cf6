/// A Redis URL that cannot be used; the message says what is wrong with it.
public struct RedisConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String

    init(_ message: String) {
        self.message = message
    }

    public var description: String { "invalid Redis URL: \(message)" }
}
