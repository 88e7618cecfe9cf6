#if canImport(Glibc)
import Glibc
#endif

/// A pthread mutex guarding a value: the lock of every state that threads share in this service.
/// ThreadSanitizer intercepts pthread_mutex_lock and so sees the ordering it gives; with the
/// standard library's Mutex (Swift 6.3 on Linux) it reported accesses inside withLock on two loop
/// threads as races, which would hide real ones among them.
// @unchecked Sendable: `value` is only reached between lock and unlock.
public final class PthreadLock<Value>: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var value: Value

    public init(_ value: Value) {
        self.value = value
        mutex.initialize(to: pthread_mutex_t())
        precondition(pthread_mutex_init(mutex, nil) == 0, "pthread_mutex_init failed")
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
