/// A request method: any RFC 9110 token, case-sensitive. The server passes every well-formed method
/// to the handler, so a handler can answer 405 with `Allow` for a method its resource does not take
/// (PATCH, TRACE...) rather than the server answering 501 for it.
public struct HTTPMethod: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    public static let GET = HTTPMethod(rawValue: "GET")
    public static let HEAD = HTTPMethod(rawValue: "HEAD")
    public static let PUT = HTTPMethod(rawValue: "PUT")
    public static let POST = HTTPMethod(rawValue: "POST")
    public static let DELETE = HTTPMethod(rawValue: "DELETE")
    public static let OPTIONS = HTTPMethod(rawValue: "OPTIONS")

    /// The methods the service uses; the parser recognises them without building a new string.
    public static let common: [HTTPMethod] = [.GET, .HEAD, .PUT, .POST, .DELETE, .OPTIONS]
}
