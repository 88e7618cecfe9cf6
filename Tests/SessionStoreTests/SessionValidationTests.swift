import JSONText
import Testing
@testable import SessionStore

/// The pure rules, without Redis.
@Suite struct SessionValidationTests {
    private func failure(_ check: () throws -> Void) -> SessionStoreError? {
        do {
            try check()
            return nil
        } catch {
            return error as? SessionStoreError ?? .internalError("unexpected \(error)")
        }
    }

    @Test(arguments: ["abc", "a_b-C9", String(repeating: "z", count: 20)])
    func acceptsApps(app: String) {
        #expect(failure { try SessionValidation.checkApp(app) } == nil)
    }

    @Test(arguments: ["", "ab", String(repeating: "z", count: 21), "abc.d", "äbc", "ab c", "abc\n"])
    func rejectsApps(app: String) {
        let error = failure { try SessionValidation.checkApp(app) }
        #expect(error == .invalidApp)
        #expect(error?.name == "invalidFormat")
        #expect(error?.message == "Invalid app format")
        #expect(error?.isValidationError == true)
    }

    @Test func checksIds() {
        #expect(failure { try SessionValidation.checkId("") } == .missingId)
        #expect(SessionStoreError.missingId.name == "missingParameter")
        #expect(SessionStoreError.missingId.message == "No id supplied")
        for valid in ["u", "user:1:x", "ü ∑ 😀", String(repeating: "a", count: 128), String(repeating: "😀", count: 64)] {
            #expect(failure { try SessionValidation.checkId(valid) } == nil, "\(valid)")
        }
        for invalid in ["a\nb", "a\rb", "a\u{2028}b", "a\u{2029}b", String(repeating: "a", count: 129), String(repeating: "😀", count: 65)] {
            #expect(failure { try SessionValidation.checkId(invalid) } == .invalidId, "\(invalid)")
        }
        #expect(SessionStoreError.invalidId.message == "Invalid id format")
    }

    @Test func idCheckIsLinearOnHostileInput() {
        // The reference's regex backtracks for seconds on this kind of id.
        let hostile = String(repeating: "a", count: 1_000_000) + "\n"
        #expect(failure { try SessionValidation.checkId(hostile) } == .invalidId)
    }

    @Test func checksIps() {
        #expect(failure { _ = try SessionValidation.checkIp(nil) } == .missingIp)
        #expect(failure { _ = try SessionValidation.checkIp("") } == .missingIp)
        #expect(SessionStoreError.missingIp.message == "No ip supplied")
        #expect(failure { _ = try SessionValidation.checkIp("1") } == nil)
        #expect(failure { _ = try SessionValidation.checkIp(String(repeating: "f", count: 39)) } == nil)
        #expect(failure { _ = try SessionValidation.checkIp(String(repeating: "f", count: 40)) } == .invalidIp)
        #expect(failure { _ = try SessionValidation.checkIp("1.2.3.4\n") } == .invalidIp)
        #expect(SessionStoreError.invalidIp.message == "Invalid ip format")
    }

    @Test func checksTokens() {
        #expect(failure { try SessionValidation.checkToken(String(repeating: "aZ9", count: 21) + "x") } == nil)
        for invalid in ["", String(repeating: "a", count: 63), String(repeating: "a", count: 65), String(repeating: "a", count: 63) + "-", String(repeating: "a", count: 63) + "é"] {
            #expect(failure { try SessionValidation.checkToken(invalid) } == .invalidToken)
        }
        #expect(SessionStoreError.invalidToken.message == "Invalid token format")
    }

    /// Expectations from Node.js 20's parseInt(x, 10).
    @Test(arguments: [
        (" 20", 20), ("12.9", 12), ("15abc", 15), ("1e3", 1), ("\t\n 30", 30), ("\u{a0}30", 30), ("\u{3000}40", 40),
        ("\u{feff}50", 50), ("+60", 60), ("-70", -70), ("0x10", 0), ("0010", 10),
    ] as [(String, Int)])
    func parsesLikeParseInt(text: String, expected: Int) {
        #expect(SessionValidation.leadingInteger(text) == expected)
    }

    @Test(arguments: ["abc", "", " ", "-", "+", "\u{661}\u{662}", "99999999999999999999", "1000000000000000"])
    func leadingIntegerIsNaNOrTooLarge(text: String) {
        #expect(SessionValidation.leadingInteger(text) == nil)
    }

    @Test func checksTTLAndDT() throws {
        #expect(try SessionValidation.ttl(nil) == 7200)
        #expect(try SessionValidation.ttl("") == 7200)
        #expect(try SessionValidation.ttl("10") == 10)
        #expect(try SessionValidation.ttl("12.9") == 12)
        #expect(try SessionValidation.ttl("999999999999999") == 999_999_999_999_999)
        for invalid in ["9", "0", "-20", " ", "abc", "1e3", "1000000000000000", String(repeating: "9", count: 100_000)] {
            #expect(failure { _ = try SessionValidation.ttl(invalid) } == .invalidTTL, "\(invalid.prefix(20))")
        }
        #expect(SessionStoreError.invalidTTL.name == "invalidValue")
        #expect(SessionStoreError.invalidTTL.message == "ttl must be a positive integer >= 10")
        #expect(try SessionValidation.dt("10") == 10)
        for invalid in [nil, "", "9", "x"] as [String?] {
            #expect(failure { _ = try SessionValidation.dt(invalid) } == .invalidDT)
        }
        #expect(SessionStoreError.invalidDT.message == "dt must be a positive integer >= 10")
    }

    private func json(_ text: String) -> JSONValue {
        (try? JSONParser.parse(Array(text.utf8))) ?? .string("unparsable test input")
    }

    @Test func createDataRules() throws {
        #expect(try SessionValidation.createData(nil) == nil)
        #expect(try SessionValidation.createData(json("null")) == nil)
        #expect(try SessionValidation.createData(json("{}")) == nil)
        #expect(try SessionValidation.createData(json("[]")) == nil)
        #expect(try SessionValidation.createData(json(#"{"a":null,"b":null}"#)) == nil)
        #expect(try SessionValidation.createData(json(#"{ "a" : null, "b": 120.55, "c" : "x\u2028\"", "d":true, "e": 1e+21}"#))
            == "{\"b\":120.55,\"c\":\"x\u{2028}\\\"\",\"d\":true,\"e\":1e+21}")
        for invalid in ["[1]", "[null]", #""text""#, "12", "true"] {
            #expect(failure { _ = try SessionValidation.createData(json(invalid)) } == .dataNotObject, "\(invalid)")
        }
        #expect(failure { _ = try SessionValidation.createData(json(#"{"a":1,"b c":{}, "d":[]}"#)) } == .forbiddenDataType(key: "b c"))
        #expect(SessionStoreError.forbiddenDataType(key: "b c").message == "d.b c has a forbidden type. Only strings, numbers, boolean and null are allowed.")
        #expect(SessionStoreError.dataNotObject.message == "d must be an object")
    }

    @Test func setUpdateRules() throws {
        var arguments: [String] = []
        try SessionValidation.appendUpdate(json(#"{"a":null,"k\"y":"v","n":-123,"t":false}"#), to: &arguments)
        #expect(arguments == [#""a""#, "", #""k\"y""#, #""v""#, #""n""#, "-123", #""t""#, "false"])
        for empty in [nil, json("{}"), json("null")] as [JSONValue?] {
            #expect(failure { try SessionValidation.appendUpdate(empty, to: &arguments) } == .dataWithoutKeys)
        }
        #expect(SessionStoreError.dataWithoutKeys.message == "d must contain at least one key.")
        for invalid in ["[]", "[1]", #""s""#, "1", "false"] {
            #expect(failure { try SessionValidation.appendUpdate(json(invalid), to: &arguments) } == .dataNotObject, "\(invalid)")
        }
        #expect(failure { try SessionValidation.appendUpdate(json(#"{"a":1,"o":{"x":1}}"#), to: &arguments) } == .forbiddenDataType(key: "o"))
    }

    @Test func errorKinds() {
        #expect(SessionStoreError.redisUnavailable.isRedisUnavailable)
        #expect(SessionStoreError.redisUnavailable.name == "redisUnavailable")
        #expect(!SessionStoreError.redisUnavailable.isValidationError)
        #expect(SessionStoreError.internalError("x").name == "internalError")
        #expect(!SessionStoreError.internalError("x").isValidationError)
    }
}
