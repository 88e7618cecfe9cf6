import HTTPServer
import TestSupport
import Testing

/// The contract's validation table (section 3), row by row, through the handler: 400 with the
/// contract's name and message; when several rules fail, the first in the contract's order wins.
@Suite struct ValidationTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let method: HTTPMethod
        let target: String
        var body: String? = nil
        let name: String
        let message: String
        var testDescription: String { "\(method) \(target) \(body ?? "")" }
    }

    static let token = String(repeating: "a", count: 64)
    static let app = APITestContext.app
    static let id128 = String(repeating: "i", count: 128)
    static let ip40 = String(repeating: "1", count: 40)

    static let invalidApp = ("invalidFormat", "Invalid app format")
    static let missingId = ("missingParameter", "No id supplied")
    static let invalidId = ("invalidFormat", "Invalid id format")
    static let missingIp = ("missingParameter", "No ip supplied")
    static let invalidIp = ("invalidFormat", "Invalid ip format")
    static let invalidToken = ("invalidFormat", "Invalid token format")
    static let invalidTTL = ("invalidValue", "ttl must be a positive integer >= 10")
    static let invalidDT = ("invalidValue", "dt must be a positive integer >= 10")
    static let notObject = ("invalidValue", "d must be an object")
    static let noKeys = ("invalidValue", "d must contain at least one key.")
    static func forbidden(_ key: String) -> (String, String) {
        ("invalidValue", "d.\(key) has a forbidden type. Only strings, numbers, boolean and null are allowed.")
    }

    static func row(_ method: HTTPMethod, _ target: String, body: String? = nil, _ error: (String, String)) -> Row {
        Row(method: method, target: target, body: body, name: error.0, message: error.1)
    }

    static let rows: [Row] = [
        // app: ^[a-zA-Z0-9_-]{3,20}$, on every route
        row(.PUT, "/ab/create/u1?ip=1.2.3.4", invalidApp),
        row(.PUT, "/abcdefghijklmnopqrstu/create/u1?ip=1.2.3.4", invalidApp),
        row(.PUT, "/a.bc/create/u1?ip=1.2.3.4", invalidApp),
        row(.PUT, "/%C3%A4bc/create/u1?ip=1.2.3.4", invalidApp),
        row(.GET, "/ab/get/\(token)", invalidApp),
        row(.POST, "/ab/set/\(token)", body: #"{"a":1}"#, invalidApp),
        row(.DELETE, "/ab/kill/\(token)", invalidApp),
        row(.GET, "/ab/activity?dt=60", invalidApp),
        row(.GET, "/ab/soapp?dt=60", invalidApp),
        row(.GET, "/ab/soid/u1", invalidApp),
        row(.DELETE, "/ab/killsoid/u1", invalidApp),
        row(.DELETE, "/ab/killall", invalidApp),
        // id: non-empty, no line terminator, at most 128 characters
        row(.PUT, "/\(app)/create/?ip=1.2.3.4", missingId),
        row(.PUT, "/\(app)/create/a%0Ab?ip=1.2.3.4", invalidId),
        row(.PUT, "/\(app)/create/a%0Db?ip=1.2.3.4", invalidId),
        row(.PUT, "/\(app)/create/a%E2%80%A8b?ip=1.2.3.4", invalidId),
        row(.PUT, "/\(app)/create/a%E2%80%A9b?ip=1.2.3.4", invalidId),
        row(.PUT, "/\(app)/create/\(id128)i?ip=1.2.3.4", invalidId),
        row(.GET, "/\(app)/soid/", missingId),
        row(.GET, "/\(app)/soid/a%0Ab", invalidId),
        row(.DELETE, "/\(app)/killsoid/", missingId),
        row(.DELETE, "/\(app)/killsoid/\(id128)i", invalidId),
        // ip: 1 to 39 characters, no line terminator
        row(.PUT, "/\(app)/create/u1", missingIp),
        row(.PUT, "/\(app)/create/u1?ip=", missingIp),
        row(.PUT, "/\(app)/create/u1?ip=\(ip40)", invalidIp),
        row(.PUT, "/\(app)/create/u1?ip=1.2%0A", invalidIp),
        // token: exactly 64 of [a-zA-Z0-9]
        row(.GET, "/\(app)/get/\(token.dropLast())", invalidToken),
        row(.GET, "/\(app)/get/\(token)a", invalidToken),
        row(.GET, "/\(app)/get/\(token.dropLast())-", invalidToken),
        row(.POST, "/\(app)/set/short", body: #"{"a":1}"#, invalidToken),
        row(.DELETE, "/\(app)/kill/short", invalidToken),
        // ttl: leading integer >= 10
        row(.PUT, "/\(app)/create/u1?ip=1.2.3.4&ttl=9", invalidTTL),
        row(.PUT, "/\(app)/create/u1?ip=1.2.3.4&ttl=abc", invalidTTL),
        row(.PUT, "/\(app)/create/u1?ip=1.2.3.4&ttl=1e3", invalidTTL),
        row(.PUT, "/\(app)/create/u1?ip=1.2.3.4&ttl=-20", invalidTTL),
        // dt: same parsing, required
        row(.GET, "/\(app)/activity", invalidDT),
        row(.GET, "/\(app)/activity?dt=9", invalidDT),
        row(.GET, "/\(app)/activity?dt=", invalidDT),
        row(.GET, "/\(app)/soapp", invalidDT),
        row(.GET, "/\(app)/soapp?dt=x10", invalidDT),
        // d
        row(.PUT, "/\(app)/create/u1?ip=1.2.3.4", body: "[1]", notObject),
        row(.PUT, "/\(app)/create/u1?ip=1.2.3.4", body: #""text""#, notObject),
        row(.PUT, "/\(app)/create/u1?ip=1.2.3.4", body: "12", notObject),
        row(.PUT, "/\(app)/create/u1?ip=1.2.3.4", body: #"{"a":1,"n":{"x":1}}"#, forbidden("n")),
        row(.PUT, "/\(app)/create/u1?ip=1.2.3.4", body: #"{"l":[1]}"#, forbidden("l")),
        row(.POST, "/\(app)/set/\(token)", noKeys),
        row(.POST, "/\(app)/set/\(token)", body: "{}", noKeys),
        row(.POST, "/\(app)/set/\(token)", body: "null", noKeys),
        row(.POST, "/\(app)/set/\(token)", body: "[1]", notObject),
        row(.POST, "/\(app)/set/\(token)", body: "true", notObject),
        row(.POST, "/\(app)/set/\(token)", body: #"{"deep":{"a":{"b":{"c":[[[1]]]}}}}"#, forbidden("deep")),
        // order of checks: create app, id, ip, ttl, d
        row(.PUT, "/ab/create/?ttl=1", body: "[1]", invalidApp),
        row(.PUT, "/\(app)/create/?ttl=1", body: "[1]", missingId),
        row(.PUT, "/\(app)/create/u1?ttl=1", body: "[1]", missingIp),
        row(.PUT, "/\(app)/create/u1?ip=1.2.3.4&ttl=1", body: "[1]", invalidTTL),
        // get/kill: app, token · set: app, token, d
        row(.GET, "/ab/get/short", invalidApp),
        row(.DELETE, "/ab/kill/short", invalidApp),
        row(.POST, "/ab/set/short", body: "[1]", invalidApp),
        row(.POST, "/\(app)/set/short", body: "[1]", invalidToken),
        // activity/soapp: app, dt · soid/killsoid: app, id
        row(.GET, "/ab/activity?dt=1", invalidApp),
        row(.GET, "/ab/soapp", invalidApp),
        row(.GET, "/ab/soid/", invalidApp),
        row(.DELETE, "/ab/killsoid/", invalidApp),
    ]

    @Test(arguments: rows)
    func aFailingRuleAnswers400WithTheContractsError(row: Row) async throws {
        try await APITestContext.with { context in
            let response = await context.request(row.method, row.target, body: row.body)
            #expect(response.isError(400, name: row.name, message: row.message), "\(response.status) \(response.text)")
        }
    }

    @Test func theLimitsThemselvesAreAccepted() async throws {
        try await APITestContext.with { context in
            let id = Self.id128
            let ip = String(repeating: "1", count: 39)
            let (token, creation) = try await context.clock.during { try await context.create(id: id, ip: ip, ttl: "10") }
            let (response, read) = try await context.clock.during { await context.request(.GET, "/\(Self.app)/get/\(token)") }
            // Valid while idle <= 10: gone only if the read may have come later (a loaded machine).
            let mayHaveExpired = read.upperBound - creation.lowerBound > 10
            #expect(
                response.textIgnoringIdle == #"{"id":"\#(id)","r":1,"w":1,"ttl":10,"idle":0,"ip":"\#(ip)"}"#
                    || (mayHaveExpired && response.text == "{}"), "\(response.text)")
            let appOf20 = String(repeating: "A", count: 17) + "_-9"
            let created = await context.request(.PUT, "/\(appOf20)/create/u1?ip=1.2.3.4&ttl=%2020")
            #expect(created.status == 200, "\(created.text)")
            _ = await context.request(.DELETE, "/\(appOf20)/killall")
        }
    }
}
