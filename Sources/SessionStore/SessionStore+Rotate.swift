extension SessionStore {
    /// Moves a live session to a new token in one script: same id, ip, data, counters and deadlines;
    /// the old token is gone from every index at once (and its cache entries are invalidated). nil
    /// when the token is missing or expired, so of concurrent rotations of one token one succeeds.
    public func rotate(app: String, token: String, completion: @escaping @Sendable (Result<CreatedSession?, SessionStoreError>) -> Void) {
        let newToken = SessionToken.generate()
        evaluate(SessionScripts.rotate, acknowledged: true, completion: completion, decode: { reply throws(SessionStoreError) in
            try SessionReplyDecoder.count(reply) == 1 ? CreatedSession(token: newToken) : nil
        }) { () throws(SessionStoreError) in
            let arguments = try tokenArguments(app: app, token: token)
            // The script publishes the invalidation; evicting here too spares this instance the wait.
            cache?.evict(key: app + ":" + token)
            return arguments + [newToken]
        }
    }
}
