import CHiredis

extension RedisReply {
    /// Copies a hiredis reply (which hiredis frees after the callback returns) into Swift values.
    init(hiredis reply: UnsafePointer<redisReply>) {
        let node = reply.pointee
        switch node.type {
        case REDIS_REPLY_STRING:
            self = .bulkString(Array(UnsafeRawBufferPointer(start: node.str, count: node.len)))
        case REDIS_REPLY_INTEGER:
            self = .integer(node.integer)
        case REDIS_REPLY_STATUS:
            self = .simpleString(Self.text(of: node))
        case REDIS_REPLY_ERROR:
            self = .error(Self.text(of: node))
        case REDIS_REPLY_ARRAY:
            var elements: [RedisReply] = []
            elements.reserveCapacity(node.elements)
            for index in 0..<node.elements {
                if let element = node.element[index] {
                    elements.append(RedisReply(hiredis: element))
                } else {
                    elements.append(.null)
                }
            }
            self = .array(elements)
        default:
            self = .null
        }
    }

    /// Status and error lines are ASCII in practice; lossy decoding is acceptable for them.
    static func text(of node: redisReply) -> String {
        String(decoding: UnsafeRawBufferPointer(start: node.str, count: node.len), as: UTF8.self)
    }
}
