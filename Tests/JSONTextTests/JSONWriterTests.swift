import JSONText
import Testing

/// Expected texts were produced with Node.js 20's JSON.stringify and are hard-coded here so the
/// tests do not need Node at run time.
@Suite struct JSONWriterTests {
    @Test(arguments: [
        ("", #""""#),
        ("plain", #""plain""#),
        ("a\"b", #""a\"b""#),
        ("back\\slash", #""back\\slash""#),
        ("slash/", #""slash/""#),
        ("\u{8}\u{c}\n\r\t", #""\b\f\n\r\t""#),
        ("\u{0}\u{1}\u{1f}", #""\u0000\u0001\u001f""#),
        ("\u{b}", #""\u000b""#),
        ("\u{7f}", "\"\u{7f}\""),
        ("\u{2028}\u{2029}", "\"\u{2028}\u{2029}\""),
        ("é😀中", "\"é😀中\""),
    ])
    func escapesStringsLikeJSONStringify(input: String, expected: String) {
        #expect(JSONWriter.string(.string(input)) == expected)
        var output: [UInt8] = []
        JSONWriter.append(string: input, to: &output)
        #expect(output == Array(expected.utf8))
    }

    @Test func writesCompactDocumentsInOrder() throws {
        let text = #"{"b":1,"a":"x","c":[1,true,null,{"d":false}],"n":1e+21,"m":-0.10}"#
        let value = try JSONParser.parse(Array(text.utf8))
        #expect(JSONWriter.string(value) == text)
        let spaced = try JSONParser.parse(Array(" { \"b\" : 1 ,\n\"a\" : [ ] } ".utf8))
        #expect(JSONWriter.string(spaced) == #"{"b":1,"a":[]}"#)
    }

    @Test func roundTripsEveryEscapedCharacter() throws {
        let all = String(String.UnicodeScalarView((0..<0x80).compactMap(Unicode.Scalar.init)))
        let written = JSONWriter.string(.string(all + "\u{2028}😀"))
        #expect(try JSONParser.parse(Array(written.utf8)) == .string(all + "\u{2028}😀"))
    }

    /// Digits written by hand: every length, zeros inside, negatives and the extremes, as String(Int).
    @Test(arguments: [0, 1, 9, 10, 19, 100, 101, 1_000_000, -1, -10, -909, 999_999_999_999_999, Int.max, Int.min])
    func integersAreWrittenAsTheirDecimalText(value: Int) {
        var output = Array("[".utf8)
        JSONWriter.append(integer: value, to: &output)
        #expect(String(decoding: output, as: UTF8.self) == "[" + String(value))
    }

    @Test func verbatimTextIsCopiedAsItIs() {
        var output: [UInt8] = []
        JSONWriter.append(verbatim: #"{"a":1e+21,"b":"é"}"#, to: &output)
        #expect(String(decoding: output, as: UTF8.self) == #"{"a":1e+21,"b":"é"}"#)
    }

    @Test func objectInitializerFoldsRepeatedKeys() {
        let object = JSONObject([(key: "x", value: .number("1")), (key: "y", value: .null), (key: "x", value: .bool(true))])
        #expect(object.count == 2)
        #expect(JSONWriter.string(.object(object)) == #"{"x":true,"y":null}"#)
        #expect(object["missing"] == nil)
    }
}
