import EventLoops

/// The optional get cache: sessions by APP:TOKEN for `cacheTime` seconds, least recently used
/// dropped beyond `cacheMaximumEntries`. A hit is returned as it was fetched (its r and idle too),
/// as redis-sessions does. Evictions come from NS:cache messages, which every instance publishes
/// on each change or end of a session.
final class SessionCache: Sendable {
    private struct Entry {
        var session: Session
        var fetched: ContinuousClock.Instant
    }

    private struct State {
        var entries: LeastRecentlyUsedCache<String, Entry>
        /// Counts evictions, so a reply fetched before an eviction is not stored after it.
        var evictions: UInt64 = 0
        /// The NS:cache subscriber connection is down: evictions would be lost, so the cache is bypassed.
        var isBlind = false
    }

    private let lifetime: Duration
    private let state: PthreadLock<State>

    init(lifetime: Duration, maximumEntries: Int) {
        self.lifetime = lifetime
        state = PthreadLock(State(entries: LeastRecentlyUsedCache(capacity: maximumEntries)))
    }

    func session(forKey key: String) -> Session? {
        let now = ContinuousClock.now
        return state.withLock { state in
            guard !state.isBlind, let entry = state.entries.value(forKey: key) else { return nil }
            let age = now - entry.fetched
            // Also stop serving a session that must have expired in Redis (idle or absolute) since it was fetched.
            let remaining = min(entry.session.ttl - entry.session.idle, entry.session.expiresIn ?? .max)
            guard age < lifetime, age <= .seconds(remaining) else {
                state.entries.removeValue(forKey: key)
                return nil
            }
            return entry.session
        }
    }

    /// The value to pass to `insert` for a fetch starting now.
    var evictionCount: UInt64 {
        state.withLock { $0.evictions }
    }

    func insert(_ session: Session, forKey key: String, fetchedAfterEvictions evictionsBefore: UInt64) {
        let now = ContinuousClock.now
        state.withLock { state in
            // An eviction during the fetch may concern this very session: keep it out.
            guard state.evictions == evictionsBefore, !state.isBlind else { return }
            state.entries.setValue(Entry(session: session, fetched: now), forKey: key)
        }
    }

    /// The NS:cache subscription was lost (false) or (re)confirmed (true). Messages published
    /// between the two are lost, so every entry goes either way, and nothing is cached in between.
    func subscriptionChanged(isSubscribed: Bool) {
        state.withLock { state in
            state.evictions &+= 1
            state.isBlind = !isSubscribed
            state.entries = LeastRecentlyUsedCache(capacity: state.entries.capacity)
        }
    }

    func evict(key: String) {
        state.withLock { state in
            state.evictions &+= 1
            state.entries.removeValue(forKey: key)
        }
    }
}
