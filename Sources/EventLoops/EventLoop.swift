import Dispatch
import CEpoll
#if canImport(Glibc)
import Glibc
#endif

/// One thread running epoll: watched descriptors, timers and tasks, all handled on that thread.
///
/// Everything a loop owns (its watchers, timers and the objects that use them) is confined to its
/// thread; other threads reach it only through `execute`, `schedule(after:)` and `sync`.
/// Level-triggered: a handler may leave bytes unread and hear about them on the next pass, and
/// interest changes cost an `epoll_ctl` only when they really change.
// @unchecked Sendable: the mutable state is confined to the loop's thread, except `incoming`, which a lock guards.
public final class EventLoop: @unchecked Sendable {
    public let name: String
    private let epoll: Int32
    private let wakeDescriptor: Int32
    private let incoming = PthreadLock(Incoming())

    private var localTasks: [() -> Void] = []
    private var endOfPassTasks: [() -> Void] = []
    private var timers = TimerQueue()
    /// Indexed by descriptor; the generation in each event's data rejects an event meant for a
    /// descriptor that was closed and reused within one `epoll_wait` batch.
    private var watchers: [FileDescriptorWatcher?] = []
    private var nextWatcherGeneration: UInt32 = 0
    private var busyPoll: BusyPollPolicy
    /// Polls made before sleeping since the loop started (tests read it on the loop).
    private(set) var pollCount: UInt64 = 0

    private struct Incoming {
        var tasks: [@Sendable () -> Void] = []
        /// An eventfd write is on its way or unread: further tasks need not write again.
        var isWakePending = false
        var isStopping = false
        /// The thread has ended: tasks are dropped and nothing wakes it any more.
        var isStopped = false
    }

    private static let eventsPerWait: Int32 = 256
    private static let wakeToken: UInt64 = .max

    /// `busyPollMaximum`: how long the loop may poll before it sleeps (see BusyPollPolicy).
    init(name: String, busyPollMaximum: Duration = .zero) {
        self.name = name
        busyPoll = BusyPollPolicy(maximum: busyPollMaximum.clampedNanoseconds)
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeDescriptor = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
        // Without these the process cannot serve anything; they fail only when out of descriptors at start.
        precondition(epoll >= 0 && wakeDescriptor >= 0, "event loop \(name): epoll_create1/eventfd failed: \(String(cString: strerror(errno)))")
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.u64 = Self.wakeToken
        precondition(epoll_ctl(epoll, EPOLL_CTL_ADD, wakeDescriptor, &event) == 0, "event loop \(name): epoll_ctl(eventfd) failed")
        startThread()
    }

    // MARK: From any thread

    /// The loop running the calling thread, if any.
    public static var current: EventLoop? {
        pthread_getspecific(currentLoopKey).map { Unmanaged<EventLoop>.fromOpaque($0).takeUnretainedValue() }
    }

    public var inEventLoop: Bool {
        pthread_getspecific(currentLoopKey) == Unmanaged.passUnretained(self).toOpaque()
    }

    /// Runs `task` on the loop: after the current handler when called on the loop, else soon.
    public func execute(_ task: @escaping @Sendable () -> Void) {
        if inEventLoop {
            localTasks.append(task)
            return
        }
        let wakes = incoming.withLock { incoming -> Bool in
            guard !incoming.isStopped else { return false }
            incoming.tasks.append(task)
            defer { incoming.isWakePending = true }
            return !incoming.isWakePending
        }
        if wakes { wake() }
    }

    /// Runs `task` on the loop after `delay` nanoseconds (a millisecond later at most).
    public func schedule(after delay: UInt64, _ task: @escaping @Sendable () -> Void) {
        let deadline = Self.now() &+ delay
        if inEventLoop {
            makeTimer(task).schedule(at: deadline)
        } else {
            execute { [self] in makeTimer(task).schedule(at: deadline) }
        }
    }

    /// Runs `body` on the loop and waits for it; on the loop itself it just runs it. Never call it
    /// from another loop's thread (two loops waiting for each other would deadlock).
    public func sync<Value: Sendable>(_ body: @escaping @Sendable () -> Value) -> Value {
        if inEventLoop { return body() }
        let result = PthreadLock<Value?>(nil)
        let done = DispatchSemaphore(value: 0)
        execute {
            let value = body()
            result.withLock { $0 = value }
            done.signal()
        }
        done.wait()
        return result.withLock { $0! }
    }

    /// Lets the loop finish the tasks already queued, then ends its thread; later tasks are dropped
    /// (and `sync` must not be called any more). Watchers left behind are not closed: their owners
    /// must have stopped them.
    public func shutdown() {
        let wakes = incoming.withLock { incoming -> Bool in
            guard !incoming.isStopped else { return false }
            incoming.isStopping = true
            defer { incoming.isWakePending = true }
            return !incoming.isWakePending
        }
        if wakes { wake() }
    }

    /// CLOCK_MONOTONIC in nanoseconds: the clock of every deadline on a loop.
    public static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }

    // MARK: On the loop

    /// Runs `task` once the events and tasks of this pass are handled: work that many handlers may
    /// ask for in one pass (flushing a pipelined Redis connection) is then done once for all.
    public func deferToEndOfPass(_ task: @escaping () -> Void) {
        assertInEventLoop()
        endOfPassTasks.append(task)
    }

    /// A timer on this loop; `handler` runs on the loop each time a schedule comes due.
    public func makeTimer(_ handler: @escaping () -> Void) -> EventLoopTimer {
        EventLoopTimer(loop: self, handler: handler)
    }

    /// Starts watching `descriptor` (non-blocking) with no interest yet; see `setInterest`.
    public func watch(_ descriptor: Int32, handler: @escaping (IOEvents) -> Void) -> FileDescriptorWatcher {
        assertInEventLoop()
        precondition(descriptor >= 0)
        nextWatcherGeneration &+= 1
        let watcher = FileDescriptorWatcher(loop: self, descriptor: descriptor, generation: nextWatcherGeneration, handler: handler)
        let index = Int(descriptor)
        if watchers.count <= index { watchers += Array(repeating: nil, count: max(index + 1 - watchers.count, watchers.count)) }
        watchers[index] = watcher
        return watcher
    }

    public func assertInEventLoop(file: StaticString = #fileID, line: UInt = #line) {
        assert(inEventLoop, "not on event loop \(name)", file: file, line: line)
    }

    func updateRegistration(_ watcher: FileDescriptorWatcher, from old: UInt32, to new: UInt32) {
        var event = epoll_event()
        event.events = new
        event.data.u64 = UInt64(UInt32(bitPattern: watcher.descriptor)) << 32 | UInt64(watcher.generation)
        let operation = old == 0 ? EPOLL_CTL_ADD : (new == 0 ? EPOLL_CTL_DEL : EPOLL_CTL_MOD)
        // Fails only for a descriptor closed behind the watcher's back: then there is nothing to watch.
        _ = epoll_ctl(epoll, operation, watcher.descriptor, &event)
    }

    func removeWatcher(_ watcher: FileDescriptorWatcher) {
        let index = Int(watcher.descriptor)
        if index < watchers.count, watchers[index] === watcher { watchers[index] = nil }
    }

    func add(_ timer: EventLoopTimer, deadline: UInt64) {
        timers.push(timer, deadline: deadline)
    }

    // MARK: The thread

    private func startThread() {
        let box = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { argument in
            let loop = Unmanaged<EventLoop>.fromOpaque(argument!).takeRetainedValue()
            loop.run()
            return nil
        }, box)
        precondition(status == 0, "event loop \(name): pthread_create failed (\(status))")
        pthread_detach(thread)
    }

    private func run() {
        pthread_setspecific(currentLoopKey, Unmanaged.passUnretained(self).toOpaque())
        name.withCString { cepoll_name_current_thread($0) }
        var events = [epoll_event](repeating: epoll_event(), count: Int(Self.eventsPerWait))
        var isRunning = true
        var busySince = Self.now()
        while isRunning {
            let count = waitForEvents(&events, busySince: &busySince)
            if count < 0 {
                precondition(errno == EINTR, "event loop \(name): epoll_wait failed: \(String(cString: strerror(errno)))")
                continue
            }
            for index in 0..<Int(count) { deliver(events[index]) }
            fireDueTimers()
            isRunning = runTasks()
        }
        incoming.withLock { $0.isStopped = true }
        dropWhatCanNeverRun()
        pthread_setspecific(currentLoopKey, nil)
    }

    /// What can never run now lets go of its owners (a pending timer's closure holding an owner
    /// that holds this loop would otherwise keep both alive for good). They are released outside
    /// the lock and after the loop's collections are reset, because an owner's deinit may use this
    /// loop (stop a watcher, cancel or schedule a timer, queue a task, even shut the loop down);
    /// whatever it adds is dropped in the next round (other threads' tasks are refused by now).
    /// Bounded: owners whose release keeps queueing more would otherwise spin the thread for good
    /// (what is left after the last round stays with the loop object).
    private func dropWhatCanNeverRun() {
        for _ in 0..<Self.dropRounds {
            var queued: [@Sendable () -> Void] = []
            incoming.withLock { swap(&queued, &$0.tasks) }
            let dropped = (queued, timers, localTasks, endOfPassTasks, watchers)
            timers = TimerQueue()
            localTasks = []
            endOfPassTasks = []
            watchers = []
            withExtendedLifetime(dropped) {}
            if timers.count == 0 && localTasks.isEmpty && endOfPassTasks.isEmpty && watchers.isEmpty { return }
        }
        assertionFailure("event loop \(name): owners kept queueing work while being released")
    }

    private static let dropRounds = 16

    /// The descriptors close only here: until the thread has ended and every owner let go, another
    /// thread could still be about to write the eventfd.
    deinit {
        close(epoll)
        close(wakeDescriptor)
    }

    private func deliver(_ event: epoll_event) {
        let data = event.data.u64
        if data == Self.wakeToken {
            var value: UInt64 = 0
            _ = read(wakeDescriptor, &value, MemoryLayout<UInt64>.size)
            return
        }
        let index = Int(data >> 32)
        guard index < watchers.count, let watcher = watchers[index], watcher.generation == UInt32(truncatingIfNeeded: data) else { return }
        watcher.handle(IOEvents(rawValue: event.events))
    }

    /// epoll_wait, after polling a while when the policy says so (sched_yield between polls lets a
    /// thread woken on this processor run at once). Polling ends by the earliest timer's deadline,
    /// so it delays no timer. epoll_wait's errno survives the accounting, for the caller's EINTR test.
    private func waitForEvents(_ events: inout [epoll_event], busySince: inout UInt64) -> Int32 {
        var timeout = waitTimeout()
        guard timeout != 0, busyPoll.maximum > 0 else { return epoll_wait(epoll, &events, Self.eventsPerWait, timeout) }
        let start = Self.now()
        busyPoll.recordBusy(start &- busySince)
        defer {
            let waitError = errno
            busySince = Self.now()
            busyPoll.recordWaiting(busySince &- start)
            errno = waitError
        }
        if let pollDeadline = busyPoll.pollDeadline(from: start, timerDeadline: timers.earliestDeadline) {
            repeat {
                pollCount &+= 1
                let count = epoll_wait(epoll, &events, Self.eventsPerWait, 0)
                if count != 0 { return count }
                sched_yield()
            } while Self.now() < pollDeadline
            timeout = waitTimeout()
        }
        return epoll_wait(epoll, &events, Self.eventsPerWait, timeout)
    }

    private func waitTimeout() -> Int32 {
        if !localTasks.isEmpty || !endOfPassTasks.isEmpty { return 0 }
        guard let deadline = timers.earliestDeadline else { return -1 }
        let now = Self.now()
        guard deadline > now else { return 0 }
        // Rounded up: waking before the deadline would only wait again.
        return Int32(clamping: (deadline - now + 999_999) / 1_000_000)
    }

    private func fireDueTimers() {
        guard timers.earliestDeadline != nil else { return }
        let now = Self.now()
        while let timer = timers.popDue(now: now) { timer.fire() }
    }

    /// Runs the tasks queued so far (not those they queue: those wait for the next pass, after a
    /// look at the descriptors), then the end-of-pass work. False once the loop should stop.
    private func runTasks() -> Bool {
        var tasks: [@Sendable () -> Void] = []
        let isStopping = incoming.withLock { incoming in
            swap(&tasks, &incoming.tasks)
            incoming.isWakePending = false
            return incoming.isStopping
        }
        for task in tasks { task() }
        if !localTasks.isEmpty {
            let local = localTasks
            localTasks.removeAll(keepingCapacity: true)
            for task in local { task() }
        }
        while !endOfPassTasks.isEmpty {
            let deferred = endOfPassTasks
            endOfPassTasks.removeAll(keepingCapacity: true)
            for task in deferred { task() }
        }
        return !isStopping
    }

    private func wake() {
        var one: UInt64 = 1
        _ = write(wakeDescriptor, &one, MemoryLayout<UInt64>.size)
    }
}

/// The loop of the current thread, set once when the loop's thread starts.
private let currentLoopKey: pthread_key_t = {
    var key = pthread_key_t()
    precondition(pthread_key_create(&key, nil) == 0, "pthread_key_create failed")
    return key
}()
