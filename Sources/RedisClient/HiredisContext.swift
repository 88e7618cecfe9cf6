import CHiredis
import EventLoops

/// A live hiredis async context and the watcher of its socket.
/// Used only on the owning connection's loop (hiredis contexts are not thread-safe).
final class HiredisContext {
    let pointer: UnsafeMutablePointer<redisAsyncContext>
    /// Which connect attempt made this context; events of an older one are ignored.
    let attempt: UInt64
    private let loop: EventLoop
    private var watcher: FileDescriptorWatcher!
    private let onReadable: () -> Void
    private let onWritable: () -> Void
    private var isFlushScheduled = false
    private var isFlushing = false
    /// Calls in hiredis's buffer that no flush has written yet (a batched script's count one each).
    private var unflushedCalls = 0
    /// Measured with `make bench-profile` (get, wrk -c50): 4, 8 and 16 against writing only at the
    /// end of the pass; 8 gave the most requests per second.
    private static let flushThreshold = 8

    init(pointer: UnsafeMutablePointer<redisAsyncContext>, attempt: UInt64, loop: EventLoop,
         onReadable: @escaping () -> Void, onWritable: @escaping () -> Void) {
        self.pointer = pointer
        self.attempt = attempt
        self.loop = loop
        self.onReadable = onReadable
        self.onWritable = onWritable
        // Strong: stopWatching() (hiredis's cleanup hook) lets go of it.
        watcher = loop.watch(pointer.pointee.c.fd) { [self] events in handle(events) }
    }

    private func handle(_ events: IOEvents) {
        if events.isReadable { onReadable() }
        if events.isWritable, watcher.isWriting { onWritable() }
    }

    /// hiredis's addRead/delRead hooks (hiredis expects them to be idempotent).
    func setReading(_ reading: Bool) {
        watcher.setReading(reading)
    }

    /// hiredis's addWrite/delWrite hooks. Once connected, commands are not written on a writable
    /// event but by one flush at the end of the loop's pass: the commands of every request handled
    /// in that pass go out in one write(2), without arming the watcher (two epoll_ctl and an event
    /// per burst). The watcher is armed only when the socket is full or still connecting.
    func setWriting(_ writing: Bool) {
        let isConnected = pointer.pointee.c.flags & REDIS_CONNECTED != 0
        guard writing, isConnected, !isFlushing, !watcher.isWriting else {
            watcher.setWriting(writing)
            return
        }
        guard !isFlushScheduled else { return }
        isFlushScheduled = true
        loop.deferToEndOfPass { [self] in
            isFlushScheduled = false
            flush()
        }
    }

    /// A command serving `calls` calls went into hiredis's buffer. A pass that reads many requests (all 50 connections of a
    /// load generator in step) would otherwise hand Redis all their commands at its very end, and
    /// Redis, the service and the clients would take turns; writing every few commands lets Redis
    /// work on the first ones while the rest are still being parsed.
    ///
    /// Never from inside a hiredis callback (a reply's completion sending the next command): a write
    /// that fails there makes hiredis free the context under the callback still running.
    func commandQueued(calls: Int) {
        unflushedCalls += calls
        let inCallback = pointer.pointee.c.flags & REDIS_IN_CALLBACK != 0
        if unflushedCalls >= Self.flushThreshold, isFlushScheduled, !isFlushing, !inCallback { flush() }
    }

    private func flush() {
        unflushedCalls = 0
        isFlushing = true
        onWritable()
        isFlushing = false
    }

    /// hiredis's cleanup hook, called just before hiredis frees the context (and closes its socket).
    func stopWatching() {
        watcher.stop()
    }
}
