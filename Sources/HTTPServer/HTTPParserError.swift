/// Why a request was refused, and the status to answer it with (the connection is then closed).
public struct HTTPParserError: Error, Sendable, Hashable, CustomStringConvertible {
    public var status: HTTPStatus
    public var message: String

    public init(status: HTTPStatus, message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { "\(status.code): \(message)" }

    static func badRequest(_ message: String) -> HTTPParserError { .init(status: .badRequest, message: message) }
    static func headerTooLarge(_ message: String) -> HTTPParserError { .init(status: .requestHeaderFieldsTooLarge, message: message) }
    static func uriTooLong(_ message: String) -> HTTPParserError { .init(status: .uriTooLong, message: message) }
    static func bodyTooLarge(_ message: String) -> HTTPParserError { .init(status: .payloadTooLarge, message: message) }
    static func notImplemented(_ message: String) -> HTTPParserError { .init(status: .notImplemented, message: message) }
    static func unsupportedVersion(_ message: String) -> HTTPParserError { .init(status: .httpVersionNotSupported, message: message) }
}
