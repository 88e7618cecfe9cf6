import Testing

@testable import JSONText

@Suite struct CompactJSONTests {
    static let compact = [
        "{}", #"{"a":1}"#, #"{"cart":3,"coupon":"SPRING"}"#, #"{"n":-0.5e+10,"m":0,"k":1E-2,"z":120.55}"#,
        #"{"t":true,"f":false,"x":null}"#, #"{"e":"q\"\\\/\b\f\n\r\t\u00e9\uD83D\uDE00"}"#, #"{"é":"日本"}"#,
        #"{"nested":{"a":[1,[2,{}],[]]}}"#, #"{"":""}"#,
    ]
    static let notCompact = [
        "", " {}", "{} ", #"{ "a":1}"#, #"{"a": 1}"#, "{\n}", #"{"a":1,}"#, #"{"a"}"#, #"{"a":}"#, #"{a:1}"#, "[1]",
        "1", "null", #""x""#, #"{"a":01}"#, #"{"a":1.}"#, #"{"a":.5}"#, #"{"a":-}"#, #"{"a":1e}"#, #"{"a":+1}"#,
        #"{"a":tru}"#, #"{"a":nul}"#, #"{"a":"\x"}"#, #"{"a":"\u12G4"}"#, "{\"a\":\"\u{1}\"}", "{\"a\":\"tab\there\"}",
        #"{"a":"open}"#, #"{"a":1}{}"#, #"{"a":[1,]}"#, #"{"a":[}"#, "{",
    ]

    @Test func compactObjectsPass() {
        for text in Self.compact { #expect(CompactJSON.isObject(text), "\(text)") }
    }

    @Test func anythingElseFails() {
        for text in Self.notCompact { #expect(!CompactJSON.isObject(text), "\(text)") }
    }

    /// Against the parser and writer: what passes parses to an object, and what the writer writes
    /// (JSON.stringify's form) passes. Escapes the writer would not use (`\/`, `\u00e9`) are still
    /// compact JSON.
    @Test func agreesWithParsingThenWriting() {
        for text in Self.compact + Self.notCompact {
            let parsed = try? JSONParser.parse(Array(text.utf8))
            let object: JSONValue? = if case .object? = parsed { parsed } else { nil }
            if CompactJSON.isObject(text) { #expect(object != nil, "\(text)") }
            if let object, JSONWriter.string(object) == text { #expect(CompactJSON.isObject(text), "\(text)") }
        }
    }

    @Test func nestingBeyondTheLimitIsLeftToTheParser() {
        let deep = #"{"a":"# + String(repeating: "[", count: CompactJSON.maximumDepth) + String(repeating: "]", count: CompactJSON.maximumDepth) + "}"
        #expect(!CompactJSON.isObject(deep))
        let shallower = #"{"a":"# + String(repeating: "[", count: CompactJSON.maximumDepth - 1) + String(repeating: "]", count: CompactJSON.maximumDepth - 1) + "}"
        #expect(CompactJSON.isObject(shallower))
    }
}
