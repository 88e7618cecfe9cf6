import RedisClient

/// An unpaged listing (soapp, soid) read with a batch script called again and again, each call
/// continuing from the cursor the previous one answered, so Redis is never held longer than one
/// batch. Each batch is atomic, the whole listing is not: a session that changes between batches
/// is listed as the batch that reads it finds it (the reference's listing is not atomic either).
/// Each batch goes to `eachBatch` as it comes and is not kept: a listing of a million sessions
/// never sits in memory as sessions. The next batch is asked for only once `eachBatch` says so, so
/// a consumer that sends the listing on as it comes is never handed more than it can pass on.
final class BatchedListing: Sendable {
    private let store: SessionStore
    private let script: RedisScript
    /// The script's arguments before the cursor, the batch size last among them.
    private let arguments: [String]
    private let eachBatch: SessionStore.ListingBatchHandler
    private let completion: @Sendable (Result<Void, SessionStoreError>) -> Void

    init(
        store: SessionStore, script: RedisScript, arguments: [String], eachBatch: @escaping SessionStore.ListingBatchHandler,
        completion: @escaping @Sendable (Result<Void, SessionStoreError>) -> Void
    ) {
        self.store = store
        self.script = script
        self.arguments = arguments
        self.eachBatch = eachBatch
        self.completion = completion
    }

    /// Calls follow one another: `eachBatch` is never called twice at once.
    func run(from cursor: [String] = []) {
        store.evaluate(script, arguments + cursor, completion: { result in
            switch result {
            case .success(let batch):
                // Only the cursor is kept while the consumer passes the batch on.
                let cursor = batch.cursor
                self.eachBatch(batch.sessions) { goesOn in
                    guard goesOn else { return }
                    if let next = cursor {
                        self.run(from: next)
                    } else {
                        self.completion(.success(()))
                    }
                }
            case .failure(let error):
                self.completion(.failure(error))
            }
        }, decode: SessionReplyDecoder.listingBatch)
    }
}
