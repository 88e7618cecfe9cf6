/// Parses JSON (RFC 8259) the way JavaScript's JSON.parse reads it, but keeps every number as its
/// text and every object's member order, so what is stored can be written back byte for byte.
public enum JSONParser {
    /// The whole input must be one JSON value with optional surrounding whitespace.
    /// `maximumDepth` bounds the nesting of objects and arrays (the parser recurses once per level).
    /// Strings must be valid UTF-8; a `\u` escape of a lone surrogate is rejected because a Swift
    /// String cannot hold it.
    public static func parse(_ bytes: some Collection<UInt8>, maximumDepth: Int = 64) throws(JSONParseError) -> JSONValue {
        var reader = JSONReader(bytes: Array(bytes), maximumDepth: maximumDepth)
        return try reader.readDocument()
    }
}
