extension RedisReply {
    /// A bulk or simple string as UTF-8; nil for other replies and for bytes that are not valid UTF-8
    /// (never decoded lossily, so a caller cannot mistake damaged data for what was stored).
    public var string: String? {
        switch self {
        // String(validating:as:) runs unspecialized generic code (metadata lookups on every call, 0.7%
        // of the service's CPU in a get run); ASCII, what sessions hold in practice, needs no checking.
        case .bulkString(let bytes):
            bytes.allSatisfy { $0 < 0x80 } ? String(decoding: bytes, as: UTF8.self) : String(validating: bytes, as: UTF8.self)
        case .simpleString(let text): text
        default: nil
        }
    }

    public var integer: Int64? {
        if case .integer(let value) = self { value } else { nil }
    }

    public var array: [RedisReply]? {
        if case .array(let elements) = self { elements } else { nil }
    }
}
