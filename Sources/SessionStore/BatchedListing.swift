import RedisClient
import EventLoops

/// An unpaged listing (soapp, soid) read with a batch script called again and again, each call
/// continuing from the cursor the previous one answered, so Redis is never held longer than one
/// batch. Each batch is atomic, the whole listing is not: a session that changes between batches
/// is listed as the batch that reads it finds it (the reference's listing is not atomic either).
final class BatchedListing: Sendable {
    private let store: SessionStore
    private let script: RedisScript
    /// The script's arguments before the cursor, the batch size last among them.
    private let arguments: [String]
    private let completion: @Sendable (Result<[Session], SessionStoreError>) -> Void
    /// The batches so far, in order. Calls follow one another, so the lock is never contended; it
    /// is there because each reply arrives on whichever thread the Redis connection uses.
    private let sessions = PthreadLock<[Session]>([])

    init(
        store: SessionStore, script: RedisScript, arguments: [String],
        completion: @escaping @Sendable (Result<[Session], SessionStoreError>) -> Void
    ) {
        self.store = store
        self.script = script
        self.arguments = arguments
        self.completion = completion
    }

    func run(from cursor: [String] = []) {
        store.evaluate(script, arguments + cursor, completion: { result in
            switch result {
            case .success(let batch):
                self.sessions.withLock { $0.append(contentsOf: batch.sessions) }
                if let next = batch.cursor {
                    self.run(from: next)
                } else {
                    self.completion(.success(self.sessions.withLock { sessions in
                        defer { sessions = [] }
                        return sessions
                    }))
                }
            case .failure(let error):
                self.completion(.failure(error))
            }
        }, decode: SessionReplyDecoder.listingBatch)
    }
}
