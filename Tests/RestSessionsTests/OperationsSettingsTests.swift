import Foundation
import RestSessionsAPI
import Testing

@testable import rest_sessions

@Suite struct OperationsSettingsTests {
    @Test func withoutKeySettingsThereAreNoKeys() throws {
        #expect(try Settings.load(flags: [:], configPath: nil, environment: [:]).loadAPIKeys() == nil)
    }

    @Test func listAndFileKeysAreCombined() throws {
        let file = try TemporaryConfigFile("# comment\nfile-key-0123456789:webshop\n")
        let settings = try Settings.load(
            flags: ["api-keys-file": file.path], configPath: nil, environment: ["RS_API_KEYS": "list-key-0123456789"])
        let keys = try #require(try settings.loadAPIKeys())
        #expect(keys.count == 2)
    }

    @Test func aKeyInBothIsRefused() throws {
        let file = try TemporaryConfigFile("same-key-0123456789\n")
        let settings = try Settings.load(
            flags: [:], configPath: nil, environment: ["RS_API_KEYS": "same-key-0123456789:webshop", "RS_API_KEYS_FILE": file.path])
        #expect(throws: SettingsError(message: "cannot use the API keys: a key is listed twice")) { try settings.loadAPIKeys() }
    }

    @Test func theAuthCookieIsReadFromEveryLayer() throws {
        let file = try TemporaryConfigFile(#"{"authCookie": "from_file"}"#)
        #expect(try Settings.load(flags: [:], configPath: file.path, environment: [:]).authCookie == "from_file")
        #expect(try Settings.load(flags: ["auth-cookie": "sid"], configPath: file.path, environment: [:]).authCookie == "sid")
    }

    @Test(arguments: [
        ("127.0.0.1", false), ("127.8.9.10", false), ("::1", false), ("localhost", false),
        ("0.0.0.0", true), ("10.0.0.7", true), ("::", true), ("::2", true), ("svc.internal", true),
    ])
    func aHostBeyondLoopbackIsRecognised(host: String, beyond: Bool) throws {
        let settings = try Settings.load(flags: ["host": host], configPath: nil, environment: [:])
        #expect(settings.listensBeyondLoopback == beyond)
    }
}
