import JSONText
import Testing

@Suite struct JSONParserTests {
    private func parse(_ text: String, maximumDepth: Int = 64) throws(JSONParseError) -> JSONValue {
        try JSONParser.parse(Array(text.utf8), maximumDepth: maximumDepth)
    }

    private func parseError(_ text: String, maximumDepth: Int = 64) -> JSONParseError? {
        do {
            _ = try parse(text, maximumDepth: maximumDepth)
            return nil
        } catch {
            return error
        }
    }

    @Test func parsesEveryKindOfValue() throws {
        let value = try parse(#" { "s" : "x", "n": -1.5e3, "t": true, "f": false, "z": null, "a": [1, [], {}] } "#)
        let expected = JSONValue.object(JSONObject([
            (key: "s", value: .string("x")),
            (key: "n", value: .number("-1.5e3")),
            (key: "t", value: .bool(true)),
            (key: "f", value: .bool(false)),
            (key: "z", value: .null),
            (key: "a", value: .array([.number("1"), .array([]), .object(JSONObject([]))])),
        ]))
        #expect(value == expected)
    }

    @Test(arguments: ["120.55", "-123", "1e+21", "0.1", "0", "-0", "1E-7", "123456789012345678901234567890", "2.50"])
    func keepsNumbersVerbatim(text: String) throws {
        #expect(try parse(text) == .number(text))
        #expect(try parse("{\"k\":\(text)}") == .object(JSONObject([(key: "k", value: .number(text))])))
    }

    @Test(arguments: ["01", "+1", "1.", ".5", "1e", "1e+", "-", "0x10", "NaN", "Infinity", "1.5.5", "--1"])
    func rejectsInvalidNumbers(text: String) {
        #expect(parseError(text) != nil)
    }

    @Test(arguments: [
        "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{a:1}", "{'a':1}", "{\"a\" 1}", "[1 2]", "tru", "nul", "True",
        "\"abc", "\"a\tb\"", "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "{} {}", "[] x", "\u{feff}{}",
    ])
    func rejectsInvalidDocuments(text: String) {
        #expect(parseError(text) != nil)
    }

    @Test func decodesEscapes() throws {
        #expect(try parse(#""\"\\\/\b\f\n\r\t""#) == .string("\"\\/\u{8}\u{c}\n\r\t"))
        #expect(try parse(#""\u0000""#) == .string("\u{0}"))
        #expect(try parse(#""a\u2028b\u2029c""#) == .string("a\u{2028}b\u{2029}c"))
        #expect(try parse(#""\u00e9\u4E2D""#) == .string("é中"))
        #expect(try parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try parse("\"é😀中\"") == .string("é😀中"))
    }

    @Test(arguments: [#""\ud83d""#, #""\ude00""#, #""\ud83dx""#, #""\ud83d\u0041""#, #""\ude00\ud83d""#])
    func rejectsLoneSurrogates(text: String) throws {
        let error = try #require(parseError(text))
        #expect(error.message.contains("Lone surrogate"))
    }

    @Test func rejectsInvalidUTF8() {
        let invalid: [[UInt8]] = [
            [0x22, 0xC0, 0xAF, 0x22],  // overlong "/"
            [0x22, 0xED, 0xA0, 0x80, 0x22],  // encoded surrogate
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // above U+10FFFF
            [0x22, 0xE4, 0xB8, 0x22],  // truncated sequence
            [0x22, 0x80, 0x22],  // lone continuation byte
        ]
        for bytes in invalid {
            #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes) }
        }
    }

    @Test func repeatedKeyKeepsFirstPositionAndLastValue() throws {
        let value = try parse(#"{"a":1,"b":2,"a":3}"#)
        guard case .object(let object) = value else {
            Issue.record("not an object")
            return
        }
        #expect(object.map(\.key) == ["a", "b"])
        #expect(object["a"] == .number("3"))
        #expect(JSONWriter.string(value) == #"{"a":3,"b":2}"#)
    }

    /// Small objects find a key by scanning, larger ones through a dictionary built when they grow
    /// past 8 members: both keep the first position, take the last value and tell keys apart by bytes.
    @Test(arguments: [3, 8, 9, 20])
    func repeatedKeysAreFoundAtEverySize(memberCount: Int) throws {
        let members = (0..<memberCount).map { "\"k\($0)\":\($0)" }
            + ["\"k0\":100", "\"k\(memberCount - 1)\":101", "\"\u{E9}\":1", "\"e\u{301}\":2", "\"\u{E9}\":3"]
        guard case .object(let object) = try parse("{" + members.joined(separator: ",") + "}") else {
            Issue.record("not an object")
            return
        }
        #expect(object.map(\.key) == (0..<memberCount).map { "k\($0)" } + ["\u{E9}", "e\u{301}"])
        #expect(object["k0"] == .number("100"))
        #expect(object["k1"] == .number("1"))
        #expect(object["k\(memberCount - 1)"] == .number("101"))
        #expect(object["\u{E9}"] == .number("3"))
        #expect(object["e\u{301}"] == .number("2"))
        #expect(object["missing"] == nil)
    }

    /// Keys are told apart by their bytes, as JavaScript does: canonically equivalent spellings
    /// (NFC and NFD "é", "K" and the Kelvin sign U+212A) are different keys.
    @Test func keysThatAreCanonicallyEquivalentStayApart() throws {
        let value = try parse("{\"\u{E9}\":1,\"e\u{301}\":2,\"K\":3,\"\u{212A}\":4,\"\u{E9}\":5}")
        guard case .object(let object) = value else {
            Issue.record("not an object")
            return
        }
        #expect(object.map { Array($0.key.utf8) } == [[0xC3, 0xA9], [0x65, 0xCC, 0x81], [0x4B], [0xE2, 0x84, 0xAA]])
        #expect(object.map(\.value) == [.number("5"), .number("2"), .number("3"), .number("4")])
        #expect(object["e\u{301}"] == .number("2"))
        #expect(JSONObject([("\u{E9}", .null)]) != JSONObject([("e\u{301}", .null)]))
    }

    @Test func boundsNesting() throws {
        #expect(try parse("[[[1]]]", maximumDepth: 3) == .array([.array([.array([.number("1")])])]))
        let error = try #require(parseError("[[[1]]]", maximumDepth: 2))
        #expect(error.message.contains("Nesting"))
        #expect(parseError(String(repeating: "[", count: 100_000)) != nil)
        #expect(parseError(String(repeating: "{\"a\":", count: 65) + "1" + String(repeating: "}", count: 65)) != nil)
    }

    @Test func reportsTheOffset() throws {
        let error = try #require(parseError(#"{"a": x}"#))
        #expect(error.offset == 6)
        #expect(error.description.contains("byte 6"))
    }
}
