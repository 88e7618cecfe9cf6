/// A JSON document as parsed, without losing what JavaScript's JSON.parse/JSON.stringify would keep:
/// member order, and numbers as the exact text that was sent (so `1e+21` or `120.55` survive a
/// round trip that a Double would reformat).
public indirect enum JSONValue: Sendable, Hashable {
    case object(JSONObject)
    case array([JSONValue])
    case string(String)
    /// The number's text exactly as sent, validated against the RFC 8259 grammar by the parser.
    case number(String)
    case bool(Bool)
    case null
}
