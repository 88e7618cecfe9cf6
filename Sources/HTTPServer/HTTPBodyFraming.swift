/// How the length of a request body is known (RFC 9112 §6.3).
enum HTTPBodyFraming: Equatable {
    case none
    case length(Int)
    case chunked
}
