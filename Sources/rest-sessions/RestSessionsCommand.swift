import ArgumentParser
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif
import Logging

@main
struct RestSessionsCommand: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "rest-sessions",
        abstract: "A REST session service over Redis, a drop-in equivalent of the Node.js rest-sessions.",
        discussion: """
            Every setting comes from, by precedence: its flag, its environment variable, the config file \
            (--config or RS_CONFIG; a JSON object with the settings' file keys), its default. An empty \
            environment variable counts as unset. Invalid configuration exits with code 2.
            """,
        version: version
    )

    @Option(name: .customLong("config"), help: "JSON config file (env RS_CONFIG; default none).")
    var configPath: String?

    @Option(help: ArgumentHelp(SettingDefinition.named("host").help, valueName: "host"))
    var host: String?
    @Option(help: ArgumentHelp(SettingDefinition.named("port").help, valueName: "port"))
    var port: String?
    @Option(help: ArgumentHelp(SettingDefinition.named("socket").help, valueName: "path"))
    var socket: String?
    @Option(help: ArgumentHelp(SettingDefinition.named("redis-host").help, valueName: "host"))
    var redisHost: String?
    @Option(help: ArgumentHelp(SettingDefinition.named("redis-port").help, valueName: "port"))
    var redisPort: String?
    @Option(help: ArgumentHelp(SettingDefinition.named("redis-url").help, valueName: "url"))
    var redisUrl: String?
    @Option(help: ArgumentHelp(SettingDefinition.named("redis-username").help, valueName: "user"))
    var redisUsername: String?
    @Option(help: ArgumentHelp(SettingDefinition.named("redis-password").help, valueName: "password"))
    var redisPassword: String?
    @Option(help: ArgumentHelp(SettingDefinition.named("redis-db").help, valueName: "number"))
    var redisDb: String?
    @Option(help: ArgumentHelp(SettingDefinition.named("redis-timeout-ms").help, valueName: "ms"))
    var redisTimeoutMs: String?
    @Option(help: ArgumentHelp(SettingDefinition.named("namespace").help, valueName: "name"))
    var namespace: String?
    @Option(help: ArgumentHelp(SettingDefinition.named("wipe").help, valueName: "seconds"))
    var wipe: String?
    @Option(help: ArgumentHelp(SettingDefinition.named("cache-time").help, valueName: "seconds"))
    var cacheTime: String?
    @Option(help: ArgumentHelp(SettingDefinition.named("cache-max").help, valueName: "count"))
    var cacheMax: String?
    @Option(help: ArgumentHelp(SettingDefinition.named("log-level").help, valueName: "level"))
    var logLevel: String?
    @Option(help: ArgumentHelp(SettingDefinition.named("max-header-bytes").help, valueName: "bytes"))
    var maxHeaderBytes: String?
    @Option(help: ArgumentHelp(SettingDefinition.named("max-body-bytes").help, valueName: "bytes"))
    var maxBodyBytes: String?
    @Option(help: ArgumentHelp(SettingDefinition.named("max-connections").help, valueName: "count"))
    var maxConnections: String?
    @Option(help: ArgumentHelp(SettingDefinition.named("threads").help, valueName: "count"))
    var threads: String?
    @Option(help: ArgumentHelp(SettingDefinition.named("busy-poll-us").help, valueName: "µs"))
    var busyPollUs: String?
    @Option(help: ArgumentHelp(SettingDefinition.named("header-timeout").help, valueName: "seconds"))
    var headerTimeout: String?
    @Option(help: ArgumentHelp(SettingDefinition.named("idle-timeout").help, valueName: "seconds"))
    var idleTimeout: String?
    @Option(help: ArgumentHelp(SettingDefinition.named("shutdown-timeout").help, valueName: "seconds"))
    var shutdownTimeout: String?
    @Option(help: ArgumentHelp(SettingDefinition.named("auth-cookie").help, valueName: "name"))
    var authCookie: String?
    @Option(help: ArgumentHelp(SettingDefinition.named("api-keys").help, valueName: "entries"))
    var apiKeys: String?
    @Option(help: ArgumentHelp(SettingDefinition.named("api-keys-file").help, valueName: "path"))
    var apiKeysFile: String?
    @Option(help: ArgumentHelp(SettingDefinition.named("sentinels").help, valueName: "host:port,..."))
    var sentinels: String?
    @Option(help: ArgumentHelp(SettingDefinition.named("sentinel-master").help, valueName: "name"))
    var sentinelMaster: String?
    @Option(help: ArgumentHelp(SettingDefinition.named("sentinel-password").help, valueName: "password"))
    var sentinelPassword: String?
    @Option(help: ArgumentHelp(SettingDefinition.named("wait-replicas").help, valueName: "count"))
    var waitReplicas: String?
    @Option(help: ArgumentHelp(SettingDefinition.named("wait-timeout-ms").help, valueName: "ms"))
    var waitTimeoutMs: String?

    /// The flags given, by flag name; a test checks that every setting has its flag here.
    var flagValues: [String: String] {
        let given: [(String, String?)] = [
            ("host", host), ("port", port), ("socket", socket), ("redis-host", redisHost), ("redis-port", redisPort),
            ("redis-url", redisUrl), ("redis-username", redisUsername), ("redis-password", redisPassword), ("redis-db", redisDb),
            ("redis-timeout-ms", redisTimeoutMs), ("namespace", namespace), ("wipe", wipe),
            ("cache-time", cacheTime), ("cache-max", cacheMax), ("log-level", logLevel),
            ("max-header-bytes", maxHeaderBytes), ("max-body-bytes", maxBodyBytes), ("max-connections", maxConnections),
            ("threads", threads), ("busy-poll-us", busyPollUs), ("header-timeout", headerTimeout), ("idle-timeout", idleTimeout), ("shutdown-timeout", shutdownTimeout),
            ("auth-cookie", authCookie), ("api-keys", apiKeys), ("api-keys-file", apiKeysFile),
            ("sentinels", sentinels), ("sentinel-master", sentinelMaster), ("sentinel-password", sentinelPassword),
            ("wait-replicas", waitReplicas), ("wait-timeout-ms", waitTimeoutMs),
        ]
        return Dictionary(uniqueKeysWithValues: given.compactMap { name, value in value.map { (name, $0) } })
    }

    /// Argument errors are configuration errors too: exit code 2, as for a bad value (not ArgumentParser's 64).
    static func main() {
        let command: RestSessionsCommand
        do {
            command = try parse()
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            StandardError.write(fullMessage(for: error) + "\n")
            Glibc.exit(2)
        }
        let settings: Settings
        do {
            settings = try Settings.load(
                flags: command.flagValues, configPath: command.configPath, environment: ProcessInfo.processInfo.environment)
        } catch {
            StandardError.exit(code: 2, message: error.message)
        }
        LoggingSetup.bootstrap(level: settings.logLevel)
        for (name, meant) in Settings.unknownEnvironmentNames(in: ProcessInfo.processInfo.environment) {
            Logger(label: "rest-sessions").warning("environment variable \(name) names no setting and is ignored\(meant.map { "; did you mean \($0)?" } ?? "")")
        }
        Service(settings: settings).run()
    }
}
