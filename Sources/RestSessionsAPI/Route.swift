import HTTPServer

/// The contract's routes, matched by shape: `/ping` exactly, otherwise the number of path segments
/// and the literal second segment. Path parameters are the server's percent-decoded segments. As
/// Express routes the reference's paths, a trailing slash and the case of a route's own word do not
/// matter (`/app/GET/TOKEN/`).
enum Route: Sendable {
    case create(app: String, id: String)
    case get(app: String, token: String)
    case set(app: String, token: String)
    case kill(app: String, token: String)
    case activity(app: String)
    case sessionsOfApp(app: String)
    case sessionsOfId(app: String, id: String)
    case killSessionsOfId(app: String, id: String)
    case killAll(app: String)
    case ping
    case rotate(app: String, token: String)
    case count(app: String)
    case users(app: String)
    /// nginx's `auth_request`: 204 for a live session, 401 otherwise.
    case auth(app: String)
    case health
    case ready
    case metrics

    init?(pathSegments segments: [String]) {
        if let route = Self.matching(segments[...]) {
            self = route
            return
        }
        // Only for paths that did not match as they are, so the usual ones cost nothing more.
        var segments = segments[...]
        if segments.count > 1, segments.last == "" { segments.removeLast() }
        let word = segments.count == 1 ? segments.startIndex : segments.startIndex + 1
        guard segments.indices.contains(word) else { return nil }
        segments[word] = Self.asciiLowercased(segments[word])
        guard let route = Self.matching(segments) else { return nil }
        self = route
    }

    private static func asciiLowercased(_ text: String) -> String {
        String(decoding: text.utf8.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    private static func matching(_ segments: ArraySlice<String>) -> Route? {
        let first = segments.startIndex
        switch segments.count {
        case 1:
            switch segments[first] {
            case "ping": return .ping
            case "health": return .health
            case "ready": return .ready
            case "metrics": return .metrics
            default: return nil
            }
        case 2:
            let app = segments[first]
            switch segments[first + 1] {
            case "auth": return .auth(app: app)
            case "activity": return .activity(app: app)
            case "soapp": return .sessionsOfApp(app: app)
            case "killall": return .killAll(app: app)
            case "count": return .count(app: app)
            case "users": return .users(app: app)
            default: return nil
            }
        case 3:
            let (app, parameter) = (segments[first], segments[first + 2])
            switch segments[first + 1] {
            case "create": return .create(app: app, id: parameter)
            case "get": return .get(app: app, token: parameter)
            case "set": return .set(app: app, token: parameter)
            case "kill": return .kill(app: app, token: parameter)
            case "soid": return .sessionsOfId(app: app, id: parameter)
            case "killsoid": return .killSessionsOfId(app: app, id: parameter)
            case "rotate": return .rotate(app: app, token: parameter)
            default: return nil
            }
        default:
            return nil
        }
    }

    /// Each route answers one method; HEAD goes wherever GET does.
    var method: HTTPMethod {
        switch self {
        case .create: .PUT
        case .set, .rotate: .POST
        case .get, .activity, .sessionsOfApp, .sessionsOfId, .ping, .count, .users, .auth, .health, .ready, .metrics: .GET
        case .kill, .killSessionsOfId, .killAll: .DELETE
        }
    }

    func allows(_ requestMethod: HTTPMethod) -> Bool {
        requestMethod == method || (requestMethod == .HEAD && method == .GET)
    }

    /// The routes that use a request body (create's initial data, set's changes).
    var readsBody: Bool {
        switch self {
        case .create, .set: true
        default: false
        }
    }

    /// The `Allow` header of 405 and OPTIONS answers.
    var allowedMethods: String {
        method == .GET ? "GET, HEAD, OPTIONS" : "\(method.rawValue), OPTIONS"
    }

    /// The `Allow` header of `OPTIONS *` (RFC 9110 9.3.7: the server as a whole).
    static let methodsOfAnyRoute = "GET, HEAD, POST, PUT, DELETE, OPTIONS"

    /// The index in the raw path's `/`-separated parts of a token, hidden in access lines.
    var tokenPathPart: Int? {
        switch self {
        case .get, .set, .kill, .rotate: 3
        default: nil
        }
    }
}
