/// Commands sent on one connection and not yet answered, oldest first, in a ring buffer.
///
/// Each command gets the next id (hiredis hands it back as the reply callback's privdata), so a
/// reply finds its entry in O(1), and a reply to a command that already timed out finds nothing and
/// is ignored. Deadlines grow with ids (one timeout for all commands), so expired commands are
/// always at the head and one timer at the head's deadline suffices.
struct PendingCommands {
    typealias Completion = @Sendable (Result<RedisReply, RedisError>) -> Void

    enum Waiter {
        case command(Completion)
        /// AUTH, SELECT or ROLE of a connection being set up; `isLast` completes the set-up;
        /// `requiresMaster`: the reply is ROLE's, and the server must be a master.
        case handshake(isLast: Bool, requiresMaster: Bool)
        /// A SCRIPT LOAD of the preloaded scripts: a refusal is only logged (EVALSHA falls back to EVAL).
        case scriptLoad
    }

    private struct Slot {
        var waiter: Waiter?
        var deadline: UInt64
    }

    private static let initialCapacity = 16
    private var slots = [Slot](repeating: Slot(waiter: nil, deadline: 0), count: initialCapacity)
    private var head = 0
    /// Slots in use from `head` on, including answered ones behind the head (only if replies came out of order).
    private(set) var count = 0
    /// The id of the command at `head`.
    private var headID: UInt64 = 1

    var isEmpty: Bool { count == 0 }
    var nextID: UInt64 { headID + UInt64(count) }
    var oldestDeadline: UInt64? { count > 0 ? slots[head].deadline : nil }

    /// Appends a command under `nextID`.
    mutating func append(_ waiter: Waiter, deadline: UInt64) {
        if count == slots.count { grow() }
        slots[(head + count) & (slots.count - 1)] = Slot(waiter: waiter, deadline: deadline)
        count += 1
    }

    /// Takes the waiter of command `id`; nil if it is no longer pending (timed out or failed).
    mutating func remove(id: UInt64) -> Waiter? {
        guard id >= headID, id - headID < UInt64(count) else { return nil }
        let index = (head + Int(id - headID)) & (slots.count - 1)
        let waiter = slots[index].waiter
        slots[index].waiter = nil
        dropAnsweredHead()
        return waiter
    }

    /// Takes the oldest command if its deadline is at or before `now`.
    mutating func removeExpired(now: UInt64) -> Waiter? {
        guard count > 0, slots[head].deadline <= now else { return nil }
        let waiter = slots[head].waiter
        slots[head].waiter = nil
        dropAnsweredHead()
        return waiter
    }

    /// Takes every waiter, oldest first (for when the connection is gone without hiredis's help).
    mutating func removeAll() -> [Waiter] {
        var waiters: [Waiter] = []
        while count > 0, let waiter = removeExpired(now: .max) { waiters.append(waiter) }
        return waiters
    }

    private mutating func dropAnsweredHead() {
        while count > 0, slots[head].waiter == nil {
            head = (head + 1) & (slots.count - 1)
            headID += 1
            count -= 1
        }
        if count == 0, slots.count > 4096 {
            // A stall made the ring large; give the memory back once it has drained.
            slots = [Slot](repeating: Slot(waiter: nil, deadline: 0), count: Self.initialCapacity)
            head = 0
        }
    }

    private mutating func grow() {
        var larger = [Slot](repeating: Slot(waiter: nil, deadline: 0), count: slots.count * 2)
        for offset in 0..<count {
            larger[offset] = slots[(head + offset) & (slots.count - 1)]
        }
        slots = larger
        head = 0
    }
}
