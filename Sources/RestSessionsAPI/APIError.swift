import HTTPServer
import SessionStore

/// An error answered as `{"name":"...","message":"..."}` with its status: the API's own errors and
/// the statuses the HTTP server answers by itself.
struct APIError: Error, Sendable, Hashable {
    let status: HTTPStatus
    let name: String
    let message: String

    static let notFound = APIError(status: .notFound, name: "notFound", message: "No such route")
    static let methodNotAllowed = APIError(
        status: .methodNotAllowed, name: "methodNotAllowed", message: "Method not allowed on this route")
    static let unsupportedMediaType = APIError(
        status: .unsupportedMediaType, name: "unsupportedMediaType", message: "The request body must be JSON (application/json)")
    static let unsupportedCharset = APIError(
        status: .unsupportedMediaType, name: "unsupportedMediaType", message: "The request body must be JSON in UTF-8 (charset=utf-8)")
    static let payloadTooLarge = APIError(
        status: .payloadTooLarge, name: "payloadTooLarge", message: "The request body is too large")
    static let redisUnavailable = APIError(
        status: .serviceUnavailable, name: "redisUnavailable", message: "Redis is unavailable")
    static let unauthorized = APIError(
        status: .unauthorized, name: "unauthorized", message: "A valid X-Api-Key header is required")
    static let forbidden = APIError(
        status: .forbidden, name: "forbidden", message: "This API key does not open this app")
    static let replicationTimeout = APIError(
        status: .serviceUnavailable, name: "replicationTimeout", message: SessionStoreError.replicationTimeout.message)
    static let internalError = APIError(
        status: .internalServerError, name: "internalError", message: "An unexpected error occurred")

    static func invalidJSON(_ error: some CustomStringConvertible) -> APIError {
        APIError(status: .badRequest, name: "invalidJSON", message: "Malformed JSON body: \(error)")
    }

    /// The body of an answer the HTTP server gives on its own (400, 408, 413, 431, 505 ...).
    static func serverError(for status: HTTPStatus) -> APIError {
        switch status.code {
        case HTTPStatus.payloadTooLarge.code: .payloadTooLarge
        case HTTPStatus.internalServerError.code: .internalError
        case HTTPStatus.notFound.code: .notFound
        case HTTPStatus.methodNotAllowed.code: .methodNotAllowed
        case HTTPStatus.unsupportedMediaType.code: .unsupportedMediaType
        default: APIError(status: status, name: lowerCamelCase(status.reasonPhrase), message: status.reasonPhrase)
        }
    }

    /// "Request Header Fields Too Large" → "requestHeaderFieldsTooLarge".
    private static func lowerCamelCase(_ phrase: String) -> String {
        let words = phrase.split(whereSeparator: { !($0.isLetter || $0.isNumber) })
        guard let first = words.first else { return "httpError" }
        return first.lowercased() + words.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst().lowercased() }.joined()
    }
}
