/// A binary min-heap of timer deadlines. Rescheduled and cancelled timers leave their old entries
/// behind; they are dropped when they reach the top (their generation no longer matches), or all
/// at once when the heap has doubled since the last sweep: connections that close long before
/// their idle deadline would otherwise pile up entries (tens of thousands a second under churn).
struct TimerQueue {
    private struct Entry {
        let deadline: UInt64
        /// Breaks ties in scheduling order.
        let sequence: UInt64
        let generation: UInt64
        let timer: EventLoopTimer

        func precedes(_ other: Entry) -> Bool {
            (deadline, sequence) < (other.deadline, other.sequence)
        }

        var isCurrent: Bool { timer.generation == generation }
    }

    private var heap: [Entry] = []
    private var nextSequence: UInt64 = 0
    /// The size at which the stale entries are swept out: twice what was left after the last sweep,
    /// so each push pays for the sweep once on average.
    private var sweepAt = Self.minimumSweepSize
    static let minimumSweepSize = 1024

    var count: Int { heap.count }

    mutating func push(_ timer: EventLoopTimer, deadline: UInt64) {
        if heap.count >= sweepAt { sweepStaleEntries() }
        nextSequence &+= 1
        heap.append(Entry(deadline: deadline, sequence: nextSequence, generation: timer.generation, timer: timer))
        siftUp(heap.count - 1)
    }

    private mutating func sweepStaleEntries() {
        heap.removeAll { !$0.isCurrent }
        // Bottom-up heap construction: the last parent first.
        for parent in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(parent) }
        sweepAt = max(Self.minimumSweepSize, 2 * heap.count)
    }

    /// The earliest live deadline (stale entries on top are dropped on the way).
    var earliestDeadline: UInt64? {
        mutating get {
            dropStaleTop()
            return heap.first?.deadline
        }
    }

    /// The earliest timer due at `now`, taken off the heap.
    mutating func popDue(now: UInt64) -> EventLoopTimer? {
        dropStaleTop()
        guard let top = heap.first, top.deadline <= now else { return nil }
        removeTop()
        return top.timer
    }

    private mutating func dropStaleTop() {
        while let top = heap.first, !top.isCurrent { removeTop() }
    }

    private mutating func removeTop() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        siftDown(0)
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            let right = left + 1
            let earlier = right < heap.count && heap[right].precedes(heap[left]) ? right : left
            guard heap[earlier].precedes(heap[parent]) else { return }
            heap.swapAt(parent, earlier)
            parent = earlier
        }
    }
}
