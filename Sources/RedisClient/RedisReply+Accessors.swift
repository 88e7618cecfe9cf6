extension RedisReply {
    /// A bulk or simple string as UTF-8; nil for other replies and for bytes that are not valid UTF-8
    /// (never decoded lossily, so a caller cannot mistake damaged data for what was stored).
    public var string: String? {
        switch self {
        case .bulkString(let bytes): String(validating: bytes, as: UTF8.self)
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
