import CoreMetrics
import EventLoops
import Logging
import RedisClient

extension SessionStore {
    /// Starts the wipe timer (unless wipeInterval is 0) and, when caching, the subscription to
    /// NS:cache that evicts changed and ended sessions.
    public func start() {
        if let cache {
            redis.subscribe(channel: keyPrefix + "cache", onMessage: { message in
                cache.evict(key: String(decoding: message, as: UTF8.self))
            }, onStatus: { isSubscribed in
                cache.subscriptionChanged(isSubscribed: isSubscribed)
            })
        }
        guard configuration.wipeInterval > 0 else { return }
        let interval = Duration.seconds(wipeInterval)
        // A first wipe at start: instances restarted more often than the interval still wipe. One
        // that failed (Redis away, or loading its data after a restart) is tried again soon, then
        // twice as late after each further failure, up to the interval: a lasting fault is not
        // logged every few seconds. A wipe that failed after taking the lock finds it held when
        // tried again, and so waits out the interval as the other instances do. A wipe always
        // completes (every Redis command has a deadline), so the loop never hangs on one.
        let firstRetry = min(configuration.wipeRetryDelay, interval)
        let loop = Task { [weak self] in
            var retry = firstRetry
            while !Task.isCancelled {
                guard let failed = await self?.timedWipe() else { return }
                try? await Task.sleep(for: failed ? retry : interval, tolerance: .seconds(1))
                retry = failed ? min(retry * 2, interval) : firstRetry
            }
        }
        wipeTimer.withLock { running in
            running?.cancel()
            running = loop
        }
    }

    /// Stops the wipe timer. The cache subscription stays until the RedisClient is closed.
    public func stop() {
        wipeTimer.withLock { running in
            running?.cancel()
            running = nil
        }
    }

    /// One wipe now: physically deletes the expired sessions, batch by batch, publishing an
    /// invalidation for each. Only the instance that takes the lock NS:_wipelock wipes; it holds
    /// the lock for the interval minus a second, so among any number of instances one wipes per
    /// interval. Answers the number of entries removed (0 when another instance holds the lock).
    ///
    /// A Redis out of memory refuses the lock (a SET adds data) but serves the batches, which only
    /// remove: then every instance wipes, unlocked, since that is when room matters most. The lock
    /// only spares instances each other's work: each batch is atomic, so no session is removed or
    /// counted twice.
    public func wipe(completion: @escaping @Sendable (Result<Int, SessionStoreError>) -> Void) {
        let lockMilliseconds = (wipeInterval - 1) * 1000
        let lock = RedisCommand("SET", keyPrefix + "_wipelock", SessionToken.generate(), "NX", "PX", String(lockMilliseconds))
        redis.send(lock) { result in
            switch result {
            case .success(.null):
                completion(.success(0))
            case .failure(let error) where !error.isRefusal:
                completion(.failure(self.storeError(error)))
            default:  // the lock taken, or refused
                self.repeatBatches(SessionScripts.wipeBatch, [self.keyPrefix, String(Self.batchSize)], completion: completion)
            }
        }
    }

    /// Made on the first wipe, after the executable has chosen the metrics backend.
    private static let wipedSessions = Counter(label: "rest_sessions_sessions_wiped_total")

    /// One wipe of the timer's, logged; answers whether it failed.
    private func timedWipe() async -> Bool {
        let result = await withCheckedContinuation { continuation in wipe { continuation.resume(returning: $0) } }
        switch result {
        case .success(let removed):
            Self.wipedSessions.increment(by: removed)
            if removed > 0 { logger.info("Wiped expired sessions", metadata: ["count": "\(removed)"]) }
            return false
        case .failure(let error):
            logger.warning("Wipe failed", metadata: ["error": "\(error)"])
            return true
        }
    }

    /// wipeInterval with its minimum of 10 s; also the lock period when the timer is disabled.
    private var wipeInterval: Int {
        max(configuration.wipeInterval, 10)
    }
}
