extension SessionStore {
    /// The live sessions (not users) active in the last dt seconds.
    public func count(app: String, dt: String?, completion: @escaping @Sendable (Result<Int, SessionStoreError>) -> Void) {
        evaluate(SessionScripts.count, completion: completion, decode: SessionReplyDecoder.count) { () throws(SessionStoreError) in
            try windowArguments(app: app, dt: dt)
        }
    }

    /// The user ids active in the last dt seconds, most recently active first: the ids `activity`
    /// counts. With `limit` or `offset`, one page of them.
    public func users(
        app: String, dt: String?, limit: String? = nil, offset: String? = nil,
        completion: @escaping @Sendable (Result<[String], SessionStoreError>) -> Void
    ) {
        evaluate(SessionScripts.users, completion: completion, decode: SessionReplyDecoder.strings) { () throws(SessionStoreError) in
            let arguments = try windowArguments(app: app, dt: dt)
            // LIMIT 0 -1: every id, as soapp lists every session.
            let page = try SessionValidation.page(limit: limit, offset: offset)?.arguments ?? ["0", "-1"]
            return arguments + page
        }
    }
}
