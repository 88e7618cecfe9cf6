extension Route {
    var name: RouteName {
        switch self {
        case .create: .create
        case .get: .get
        case .set: .set
        case .kill: .kill
        case .activity: .activity
        case .sessionsOfApp: .soapp
        case .sessionsOfId: .soid
        case .killSessionsOfId: .killsoid
        case .killAll: .killall
        case .ping: .ping
        case .auth: .auth
        case .health: .health
        case .ready: .ready
        case .metrics: .metrics
        case .rotate: .rotate
        case .count: .count
        case .users: .users
        }
    }

    /// The app the route works on, as API keys limit it; nil for the service's own routes.
    var app: String? {
        switch self {
        case .create(let app, _), .get(let app, _), .set(let app, _), .kill(let app, _), .activity(let app),
            .sessionsOfApp(let app), .sessionsOfId(let app, _), .killSessionsOfId(let app, _), .killAll(let app),
            .auth(let app), .rotate(let app, _), .count(let app), .users(let app):
            app
        case .ping, .health, .ready, .metrics:
            nil
        }
    }

    /// Probes and scrapers carry no API key: these routes reveal no session.
    var needsAPIKey: Bool {
        switch self {
        case .ping, .health, .ready, .metrics: false
        default: true
        }
    }
}
