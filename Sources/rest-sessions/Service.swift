import Dispatch
import EventLoops
#if canImport(Glibc)
import Glibc
#endif
import HTTPServer
import Logging
import RedisClient
import RestSessionsAPI
import SessionStore
import Synchronization

/// The running service: wires Redis, the store, the API and the HTTP server, and stops them in
/// order on SIGTERM, SIGINT or SIGHUP.
final class Service: Sendable {
    private let settings: Settings
    private let logger = Logger(label: "rest-sessions")
    private let stopping = Atomic<Bool>(false)

    /// Call after `LoggingSetup.bootstrap`, so the loggers get the configured level.
    init(settings: Settings) {
        self.settings = settings
    }

    /// Never returns: the process ends with code 0 after a graceful stop, 1 when it cannot start.
    func run() -> Never {
        signal(SIGPIPE, SIG_IGN)
        let redisConfiguration: RedisConfiguration
        do {
            redisConfiguration = try settings.redisConfiguration()
        } catch {
            StandardError.exit(code: 2, message: error.message)
        }
        var apiOptions = RestSessionsAPIOptions()
        do {
            apiOptions.apiKeys = try settings.loadAPIKeys()
        } catch {
            StandardError.exit(code: 2, message: error.message)
        }
        if let file = settings.apiKeysFile, let mode = Self.modeReadableByOthers(file) {
            logger.warning("API keys file \(file) can be read by other users of this host (mode \(mode)); chmod 600 it")
        }
        apiOptions.authCookie = settings.authCookie
        apiOptions.metricsText = MetricsSetup.bootstrapPrometheus()
        // HTTP and Redis share the loops: a request's command and reply stay on its connection's thread.
        let eventLoops = EventLoopGroup(
            count: settings.eventLoopCount, name: "rest-sessions", busyPollMaximum: settings.busyPollMaximum)
        let redis = RedisClient(configuration: redisConfiguration, eventLoops: eventLoops, logger: Logger(label: "rest-sessions.redis"))
        redis.connect()
        let store = SessionStore(redis: redis, configuration: settings.storeConfiguration, logger: Logger(label: "rest-sessions.store"))
        store.start()
        let api = RestSessionsAPI(
            store: store, logger: Logger(label: "rest-sessions.http"), accessLog: settings.logLevel.includesAccessLog,
            options: apiOptions)
        let server = HTTPServer(
            configuration: settings.serverConfiguration, handler: api, eventLoops: eventLoops, logger: Logger(label: "rest-sessions.http"))
        // Before listening, so the warning is out before the first request can be answered.
        if apiOptions.apiKeys == nil && settings.listensBeyondLoopback {
            logger.warning(
                """
                INSECURE: listening on \(settings.host), beyond loopback, without API keys: anyone who reaches \
                port \(settings.port) can read, change and end every session. Set RS_API_KEYS or \
                RS_API_KEYS_FILE, or keep the port on a private network only your app servers and nginx reach.
                """)
        }
        do {
            try server.start()
        } catch {
            StandardError.exit(code: 1, message: "cannot listen on \(listeningDescription(ports: nil)): \(error)")
        }
        logFileDescriptorLimit(raised: FileDescriptorLimit.raiseToHardLimit())
        logger.notice(
            "rest-sessions \(RestSessionsCommand.version) listening on \(listeningDescription(ports: server.boundPorts))",
            metadata: [
                "redis": "\(Self.describe(redisConfiguration))",
                "namespace": "\(settings.namespace)",
                "apiKeys": "\(apiOptions.apiKeys.map { "\($0.count) required" } ?? "none")",
                "wait-replicas": "\(settings.waitReplicas)",
                "threads": "\(eventLoops.loops.count)",
                "busy-poll-us": "\(settings.busyPollMicroseconds)",
            ])
        let signalSources = installSignalHandlers { signalName in
            self.stop(after: signalName, server: server, api: api, store: store, redis: redis, eventLoops: eventLoops)
        }
        withExtendedLifetime(signalSources) { dispatchMain() }
    }

    private func stop(
        after signalName: String, server: HTTPServer, api: RestSessionsAPI, store: SessionStore, redis: RedisClient,
        eventLoops: EventLoopGroup
    ) {
        guard !stopping.exchange(true, ordering: .relaxed) else {
            logger.notice("\(signalName) received while stopping; still waiting for requests in flight")
            return
        }
        logger.notice("\(signalName) received: stopping (up to \(settings.shutdownTimeout)s for requests in flight)")
        server.shutdown {
            // Off the loops (the completion may run on one): the stop waits for them.
            DispatchQueue.main.async {
                api.flushHeldBackFailures()
                store.stop()
                redis.close()
                // The connections' close runs on the loops and writes the refusal lines still held
                // back: it finishes before the loops stop and the process exits.
                for loop in eventLoops.loops { loop.sync {} }
                eventLoops.shutdown()
                self.logger.notice("stopped")
                Glibc.exit(0)
            }
        }
    }

    /// The signals are ignored first so their default action (terminating at once, requests in
    /// flight dropped) never runs. SIGHUP (a closed terminal, or a `kill -HUP` meant as a reload:
    /// there is none) stops the service gracefully too, unless the service was started with it
    /// ignored (`nohup`), which stays so. The sources must stay alive for the signals to be handled.
    private func installSignalHandlers(_ handler: @escaping @Sendable (String) -> Void) -> [any DispatchSourceSignal] {
        [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT"), (SIGHUP, "SIGHUP")].compactMap { number, name in
            let inherited = signal(number, SIG_IGN)
            if number == SIGHUP, let inherited, unsafeBitCast(inherited, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) {
                return nil
            }
            let source = DispatchSource.makeSignalSource(signal: number, queue: .main)
            source.setEventHandler { handler(name) }
            source.resume()
            return source
        }
    }

    private func listeningDescription(ports: [Int]?) -> String {
        let tcp = HTTPServerConfiguration.Address.tcp(host: settings.host, port: ports?.first ?? settings.port)
        return settings.socket.map { "\(tcp) and \(HTTPServerConfiguration.Address.unix(path: $0))" } ?? tcp.description
    }

    private func logFileDescriptorLimit(raised: (before: UInt64, after: UInt64)?) {
        guard let raised else {
            return logger.warning("cannot raise the open file limit (RLIMIT_NOFILE); client connections may be refused early")
        }
        let change = raised.after != raised.before ? " (raised from \(raised.before))" : ""
        logger.notice("open file limit \(raised.after)\(change)")
        // Listeners, Redis connections, the event loops' own descriptors: a few dozen at most.
        let needed = UInt64(settings.maxConnections) + 64
        if raised.after < needed {
            logger.warning("""
                open file limit \(raised.after) is below maxConnections (\(settings.maxConnections)) plus what the service \
                itself needs: connections beyond it wait unaccepted. Raise the hard limit (ulimit -Hn, systemd \
                LimitNOFILE=) to \(needed) or more, or lower maxConnections.
                """)
        }
    }

    /// The file's permission bits in octal when its group or others may read it, else nil.
    private static func modeReadableByOthers(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & 0o044 != 0 else { return nil }
        return String(info.st_mode & 0o777, radix: 8)
    }

    /// The endpoint and database, never the credentials.
    private static func describe(_ configuration: RedisConfiguration) -> String {
        if let sentinel = configuration.sentinel {
            let sentinels = sentinel.sentinels.map(\.description).joined(separator: ",")
            return "master \(sentinel.masterName) via sentinels \(sentinels) db \(configuration.database)"
        }
        return "\(configuration.endpoint) db \(configuration.database)"
    }
}
