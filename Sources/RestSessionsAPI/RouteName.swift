/// A route's name as metrics label it: a fixed, small set, so a scraper never sees a label per path.
/// Int raw values index the per-route metric tables.
enum RouteName: Int, Sendable, CaseIterable {
    case create, get, set, kill, activity, soapp, soid, killsoid, killall, ping, auth, health, ready, metrics
    case rotate, count, users
    /// A path that matches no route (answered 404).
    case unknown

    var label: String {
        switch self {
        case .create: "create"
        case .get: "get"
        case .set: "set"
        case .kill: "kill"
        case .activity: "activity"
        case .soapp: "soapp"
        case .soid: "soid"
        case .killsoid: "killsoid"
        case .killall: "killall"
        case .ping: "ping"
        case .auth: "auth"
        case .health: "health"
        case .ready: "ready"
        case .metrics: "metrics"
        case .rotate: "rotate"
        case .count: "count"
        case .users: "users"
        case .unknown: "unknown"
        }
    }
}
