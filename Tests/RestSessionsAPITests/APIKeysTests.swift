import HTTPServer
import Testing

@testable import RestSessionsAPI

@Suite struct APIKeysTests {
    static let app = APITestContext.app
    static let allApps = "all-apps-key-0123456789"
    static let testappOnly = "testapp-only-key-0123456789"
    static let otherOnly = "other-only-key-0123456789"

    static func keys() throws -> APIKeys {
        try APIKeys(APIKeys.entries(ofList: "\(allApps), \(testappOnly):\(app):spare_app") + APIKeys.entries(ofFile: "\(otherOnly):other_app\n"))
    }

    @Test func listAndFileEntriesAreParsed() throws {
        let list = try APIKeys.entries(ofList: " key-aaaaaaaaaaaaaaaa , ,key-bbbbbbbbbbbbbbbb:app1:app_2,")
        #expect(list.map(\.apps) == [nil, ["app1", "app_2"]])
        let file = try APIKeys.entries(ofFile: "# keys of the team\r\n\r\nkey-aaaaaaaaaaaaaaaa\r\n   \n\tkey-bbbbbbbbbbbbbbbb:app1  \n")
        #expect(file.map(\.apps) == [nil, ["app1"]])
        #expect(try APIKeys(list).count == 2)
    }

    @Test(arguments: [
        ("short", APIKeysError.keyLength(at: "entry 1")),
        ("key-aaaaaaaaaaaaaaaa,\(String(repeating: "k", count: 257))", .keyLength(at: "entry 2")),
        ("key aaaaaaaaaaaaaaaa", .keyCharacters(at: "entry 1")),
        ("key-äaaaaaaaaaaaaaaa", .keyCharacters(at: "entry 1")),
        ("key-aaaaaaaaaaaaaaaa:ab", .appFormat(position: 1, at: "entry 1")),
        ("key-aaaaaaaaaaaaaaaa:", .appFormat(position: 1, at: "entry 1")),
        ("key-aaaaaaaaaaaaaaaa:app1:bad app", .appFormat(position: 2, at: "entry 1")),
        // A second key joined with ':' instead of ',' reads as an app: never quoted.
        ("key-aaaaaaaaaaaaaaaa:second-key-bbbbbbbbbbbbbbbbbbbb", .appFormat(position: 1, at: "entry 1")),
    ])
    func aBadListEntryIsNamedByPositionWithoutTheKey(list: String, error: APIKeysError) {
        #expect(throws: error) { try APIKeys.entries(ofList: list) }
        #expect(!error.message.contains("aaaa") && !error.message.contains("bbbb"))
    }

    @Test func aBadFileLineIsNamedByLine() {
        #expect(throws: APIKeysError.keyLength(at: "line 3")) { try APIKeys.entries(ofFile: "# c\nkey-aaaaaaaaaaaaaaaa\nshort\n") }
        #expect(APIKeysError.keyLength(at: "line 3").message == "line 3: a key has 16 to 256 characters")
    }

    @Test func noEntriesAndDuplicateKeysAreRefused() throws {
        #expect(throws: APIKeysError.noEntries) { try APIKeys(APIKeys.entries(ofList: " , ")) }
        #expect(throws: APIKeysError.duplicateKey) {
            try APIKeys(APIKeys.entries(ofList: "key-aaaaaaaaaaaaaaaa:app1,key-aaaaaaaaaaaaaaaa:app2"))
        }
    }

    @Test func verdicts() throws {
        let keys = try Self.keys()
        #expect(keys.verdict(presentedKey: Self.allApps, app: "anything") == .allowed)
        #expect(keys.verdict(presentedKey: Self.testappOnly, app: Self.app) == .allowed)
        #expect(keys.verdict(presentedKey: Self.testappOnly, app: "spare_app") == .allowed)
        #expect(keys.verdict(presentedKey: Self.testappOnly, app: "other_app") == .otherApp)
        #expect(keys.verdict(presentedKey: Self.otherOnly, app: nil) == .allowed)
        #expect(keys.verdict(presentedKey: nil, app: Self.app) == .unknownKey)
        #expect(keys.verdict(presentedKey: "", app: Self.app) == .unknownKey)
        #expect(keys.verdict(presentedKey: String(Self.allApps.dropLast()), app: Self.app) == .unknownKey)
        #expect(keys.verdict(presentedKey: Self.allApps + "x", app: Self.app) == .unknownKey)
        #expect(keys.verdict(presentedKey: String(repeating: "k", count: 10_000), app: Self.app) == .unknownKey)
    }

    @Test func withKeysEveryAppRouteNeedsAKeyOpeningItsApp() async throws {
        var options = RestSessionsAPIOptions()
        options.apiKeys = try Self.keys()
        try await APITestContext.with(options: options) { context in
            let missing = await context.request(.PUT, "/\(Self.app)/create/u1?ip=1.2.3.4")
            #expect(missing.isError(401, name: "unauthorized", message: "A valid X-Api-Key header is required"))
            let wrong = await context.request(.GET, "/\(Self.app)/soid/u1", headers: [("X-Api-Key", "wrong-key-0123456789")])
            #expect(wrong.isError(401, name: "unauthorized", message: "A valid X-Api-Key header is required"))
            let otherApp = await context.request(.GET, "/\(Self.app)/soid/u1", headers: [("X-Api-Key", Self.otherOnly)])
            #expect(otherApp.isError(403, name: "forbidden", message: "This API key does not open this app"))
            let authOfOtherApp = await context.request(.GET, "/\(Self.app)/auth", headers: [("X-Api-Key", Self.otherOnly)])
            #expect(authOfOtherApp.isError(403, name: "forbidden", message: "This API key does not open this app"))
            for key in [Self.allApps, Self.testappOnly] {
                let created = await context.request(.PUT, "/\(Self.app)/create/u1?ip=1.2.3.4", headers: [("X-Api-Key", key)])
                #expect(created.status == 200)
            }
            let unknownPath = await context.request(.GET, "/nowhere")
            #expect(unknownPath.status == 401)
            let unknownPathWithKey = await context.request(.GET, "/nowhere", headers: [("X-Api-Key", Self.otherOnly)])
            #expect(unknownPathWithKey.isError(404, name: "notFound", message: "No such route"))
        }
    }

    @Test func probesNeedNoKey() async throws {
        var options = RestSessionsAPIOptions()
        options.apiKeys = try Self.keys()
        options.metricsText = { Array("# metrics\n".utf8) }
        // Ready needs PONG within the deadline: one a loaded machine's Redis meets.
        options.readinessTimeout = .seconds(30)
        try await APITestContext.with(options: options) { context in
            for path in ["/ping", "/health", "/ready", "/metrics"] {
                #expect(await context.request(.GET, path).status == 200, "\(path)")
            }
        }
    }
}
