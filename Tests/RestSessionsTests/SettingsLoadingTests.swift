import Foundation
import Testing

@testable import rest_sessions

@Suite struct SettingsLoadingTests {
    @Test func withNothingGivenEverySettingHasItsDefault() throws {
        let settings = try Settings.load(flags: [:], configPath: nil, environment: [:])
        #expect(settings == Settings())
        #expect(settings.port == 3000)
        #expect(settings.socket == nil)
        #expect(settings.logLevel == .info)
    }

    @Test func rsVariablesThatNameNoSettingAreFoundWithTheOneMeant() {
        let unknown = Settings.unknownEnvironmentNames(in: [
            "RS_REDIS_PORT": "1", "RS_REDISPORT": "1", "RS_CONFIG": "x", "rs_loglevel": "info", "RS_MYSTERY": "",
            "RS_API_KEYS_FILE": "k", "RS_APIKEYSFILE": "k", "HOME": "/root",
        ])
        #expect(unknown.map(\.name) == ["RS_APIKEYSFILE", "RS_MYSTERY", "RS_REDIS_PORT"])
        #expect(unknown.map(\.meant) == ["RS_API_KEYS_FILE", nil, "RS_REDISPORT"])
    }

    @Test func configFileOverridesDefaults() throws {
        let file = try TemporaryConfigFile(#"{"port": 4000, "namespace": "file", "socket": "/tmp/rs.sock", "logLevel": "debug"}"#)
        let settings = try Settings.load(flags: [:], configPath: file.path, environment: [:])
        #expect(settings.port == 4000)
        #expect(settings.namespace == "file")
        #expect(settings.socket == "/tmp/rs.sock")
        #expect(settings.logLevel == .debug)
        #expect(settings.wipe == 600)
    }

    @Test func environmentOverridesConfigFile() throws {
        let file = try TemporaryConfigFile(#"{"port": 4000, "namespace": "file", "socket": "/tmp/rs.sock"}"#)
        let environment = ["RS_PORT": "5000", "RS_NAMESPACE": "env", "RS_SOCKET": "/tmp/env.sock"]
        let settings = try Settings.load(flags: [:], configPath: file.path, environment: environment)
        #expect(settings.port == 5000)
        #expect(settings.namespace == "env")
        #expect(settings.socket == "/tmp/env.sock")
    }

    @Test func flagOverridesEnvironment() throws {
        let file = try TemporaryConfigFile(#"{"port": 4000, "namespace": "file"}"#)
        let environment = ["RS_PORT": "5000", "RS_NAMESPACE": "env"]
        let flags = ["port": "6000", "namespace": "flag"]
        let settings = try Settings.load(flags: flags, configPath: file.path, environment: environment)
        #expect(settings.port == 6000)
        #expect(settings.namespace == "flag")
    }

    @Test func configPathComesFromTheFlagBeforeTheEnvironment() throws {
        let flagFile = try TemporaryConfigFile(#"{"port": 4001}"#)
        let environmentFile = try TemporaryConfigFile(#"{"port": 4002}"#)
        let environment = ["RS_CONFIG": environmentFile.path]
        #expect(try Settings.load(flags: [:], configPath: nil, environment: environment).port == 4002)
        #expect(try Settings.load(flags: [:], configPath: flagFile.path, environment: environment).port == 4001)
    }

    @Test func anEmptyEnvironmentVariableCountsAsUnset() throws {
        let environment = ["RS_PORT": "", "RS_SOCKET": "", "RS_CONFIG": ""]
        #expect(try Settings.load(flags: [:], configPath: nil, environment: environment) == Settings())
    }

    @Test func nullInTheConfigFileClearsAnOptionalSetting() throws {
        let file = try TemporaryConfigFile(#"{"socket": null, "redisUrl": null}"#)
        let settings = try Settings.load(flags: [:], configPath: file.path, environment: [:])
        #expect(settings.socket == nil)
        #expect(settings.redisURL == nil)
    }

    @Test func everySettingIsReadFromItsFlagEnvironmentVariableAndFileKey() throws {
        for definition in SettingDefinition.all {
            let value = Self.nonDefaultValue(of: definition)
            let fromFlag = try Settings.load(flags: [definition.flag: value], configPath: nil, environment: [:])
            let fromEnvironment = try Settings.load(flags: [:], configPath: nil, environment: [definition.environmentName: value])
            let file = try TemporaryConfigFile(#"{"\#(definition.fileKey)": "\#(value)"}"#)
            let fromFile = try Settings.load(flags: [:], configPath: file.path, environment: [:])
            #expect(fromFlag != Settings(), "--\(definition.flag)")
            #expect(definition.describeValue(in: fromFlag) == value, "--\(definition.flag)")
            #expect(fromEnvironment == fromFlag, "\(definition.environmentName)")
            #expect(fromFile == fromFlag, "\(definition.fileKey)")
        }
    }

    @Test func logLevelNoneSilencesEverythingIncludingAccessLines() throws {
        let settings = try Settings.load(flags: [:], configPath: nil, environment: ["RS_LOGLEVEL": "none"])
        #expect(settings.logLevel == LogLevelSetting.none)
        #expect(settings.logLevel.loggerLevel == nil)
        #expect(!settings.logLevel.includesAccessLog)
        #expect(LogLevelSetting.info.includesAccessLog)
        #expect(LogLevelSetting.debug.includesAccessLog)
        #expect(!LogLevelSetting.notice.includesAccessLog)
    }

    /// The example keys file in config/.
    static let shippedAPIKeysFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("config/api-keys.example").path

    /// A valid value for `definition` that differs from its default.
    static func nonDefaultValue(of definition: SettingDefinition) -> String {
        switch definition.kind {
        case .integer(_, let allowed): String(allowed.last?.lowerBound == 0 ? 1 : allowed.last?.upperBound ?? 1)
        case .text(_, .namespace): "other"
        case .text: "example.org"
        case .optionalText(_, .redisURL): "redis://example.org:6380/2"
        case .optionalText(_, .cookieName): "sid"
        case .optionalText(_, .apiKeyList): "0123456789abcdef:webshop"
        case .optionalText(_, .apiKeysFile): shippedAPIKeysFile
        case .optionalText(_, .sentinelList): "10.0.0.1:26379,[::1]:26380,sentinel.example:26381"
        case .optionalText(_, .sentinelMasterName), .optionalText(_, .password): "other"
        case .optionalText: "/tmp/other.sock"
        case .logLevel: "trace"
        }
    }
}
