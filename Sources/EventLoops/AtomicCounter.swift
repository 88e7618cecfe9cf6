import Synchronization

/// A wrapping counter for round robin from any thread.
final class AtomicCounter: Sendable {
    private let value = Atomic<Int>(0)

    /// The value before the increment, never negative.
    func increment() -> Int {
        value.wrappingAdd(1, ordering: .relaxed).oldValue & Int.max
    }
}
