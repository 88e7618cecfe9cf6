import HTTPServer

/// The contract's routes, matched by shape: `/ping` exactly, otherwise the number of path segments
/// and the literal second segment. Path parameters are the server's percent-decoded segments.
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
        switch segments.count {
        case 1:
            switch segments[0] {
            case "ping": self = .ping
            case "health": self = .health
            case "ready": self = .ready
            case "metrics": self = .metrics
            default: return nil
            }
        case 2:
            switch segments[1] {
            case "auth": self = .auth(app: segments[0])
            case "activity": self = .activity(app: segments[0])
            case "soapp": self = .sessionsOfApp(app: segments[0])
            case "killall": self = .killAll(app: segments[0])
            case "count": self = .count(app: segments[0])
            case "users": self = .users(app: segments[0])
            default: return nil
            }
        case 3:
            let (app, parameter) = (segments[0], segments[2])
            switch segments[1] {
            case "create": self = .create(app: app, id: parameter)
            case "get": self = .get(app: app, token: parameter)
            case "set": self = .set(app: app, token: parameter)
            case "kill": self = .kill(app: app, token: parameter)
            case "soid": self = .sessionsOfId(app: app, id: parameter)
            case "killsoid": self = .killSessionsOfId(app: app, id: parameter)
            case "rotate": self = .rotate(app: app, token: parameter)
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
