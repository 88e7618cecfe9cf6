import CHiredis
import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// A live hiredis async context and the Dispatch sources that watch its socket.
/// Used only on the owning connection's queue (hiredis contexts are not thread-safe).
// @unchecked Sendable: all mutable state is confined to `queue` (the flush it queues runs there too).
final class HiredisContext: @unchecked Sendable {
    private enum SourceState {
        case inactive, running, suspended
    }

    let pointer: UnsafeMutablePointer<redisAsyncContext>
    /// Which connect attempt made this context; source events of an older one are ignored.
    let attempt: UInt64
    private let queue: DispatchQueue
    private let readSource: any DispatchSourceRead
    private let writeSource: any DispatchSourceWrite
    private let onWritable: @Sendable () -> Void
    private var readState = SourceState.inactive
    private var writeState = SourceState.inactive
    private var isFlushScheduled = false
    private var isFlushing = false

    init(pointer: UnsafeMutablePointer<redisAsyncContext>, attempt: UInt64, queue: DispatchQueue,
         onReadable: @escaping @Sendable () -> Void, onWritable: @escaping @Sendable () -> Void) {
        self.pointer = pointer
        self.attempt = attempt
        self.queue = queue
        self.onWritable = onWritable
        let descriptor = pointer.pointee.c.fd
        readSource = DispatchSource.makeReadSource(fileDescriptor: descriptor, queue: queue)
        writeSource = DispatchSource.makeWriteSource(fileDescriptor: descriptor, queue: queue)
        readSource.setEventHandler(handler: onReadable)
        writeSource.setEventHandler(handler: onWritable)
    }

    /// hiredis's addRead/delRead hooks (hiredis expects them to be idempotent).
    func setReading(_ reading: Bool) {
        Self.switchSource(readSource, state: &readState, on: reading)
    }

    /// hiredis's addWrite/delWrite hooks. Once connected, commands are not written on a writable
    /// event but by one flush queued behind the commands already waiting on the queue: a burst of
    /// commands goes out in one write(2), without arming the write source (two epoll_ctl and an
    /// event per burst). The source is armed only when the socket is full or still connecting.
    func setWriting(_ writing: Bool) {
        let isConnected = pointer.pointee.c.flags & REDIS_CONNECTED != 0
        guard writing, isConnected, !isFlushing, writeState != .running else {
            Self.switchSource(writeSource, state: &writeState, on: writing)
            return
        }
        guard !isFlushScheduled else { return }
        isFlushScheduled = true
        queue.async { [self] in
            isFlushScheduled = false
            isFlushing = true
            onWritable()
            isFlushing = false
        }
    }

    /// hiredis's cleanup hook, called just before hiredis frees the context.
    ///
    /// Dispatch may still watch the descriptor until both sources have processed their cancellation,
    /// and a descriptor closed (and reused by the next connect) before that confuses it. So hiredis
    /// is told there is no descriptor (it closes only `fd > 0`) and it is closed here once both
    /// sources are done with it.
    func cancelSources(queue: DispatchQueue) {
        let descriptor = pointer.pointee.c.fd
        pointer.pointee.c.fd = -1
        let bothCancelled = DispatchGroup()
        for source in [readSource as any DispatchSourceProtocol, writeSource] {
            bothCancelled.enter()
            source.setCancelHandler { bothCancelled.leave() }
            source.cancel()
        }
        // A cancelled source still has to be running to process its cancellation (and a suspended
        // or inactive source must never be released).
        Self.switchSource(readSource, state: &readState, on: true)
        Self.switchSource(writeSource, state: &writeState, on: true)
        bothCancelled.notify(queue: queue) {
            if descriptor >= 0 { _ = close(descriptor) }
        }
    }

    private static func switchSource(_ source: any DispatchSourceProtocol, state: inout SourceState, on: Bool) {
        switch (state, on) {
        case (.inactive, true):
            source.activate()
            state = .running
        case (.suspended, true):
            source.resume()
            state = .running
        case (.running, false):
            source.suspend()
            state = .suspended
        default:
            break
        }
    }
}
