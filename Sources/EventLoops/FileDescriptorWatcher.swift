import CEpoll
#if canImport(Glibc)
import Glibc
#endif

/// A descriptor watched by one loop, with the interest its owner sets. With no interest the
/// descriptor is out of epoll altogether: epoll reports hang-ups whatever the interest, and a
/// connection that pauses reading must not hear about its peer's hang-up on every pass.
/// Confined to its loop; never closes the descriptor (its owner stops the watcher first). Owners
/// capture themselves strongly in the handler, which `stop()` lets go of (a weak reference would
/// move every retain and release of the owner onto the runtime's slow path).
public final class FileDescriptorWatcher {
    public let descriptor: Int32
    let generation: UInt32
    private unowned let loop: EventLoop
    private var handler: ((IOEvents) -> Void)?
    private var registeredEvents: UInt32 = 0
    public private(set) var isReading = false
    public private(set) var isWriting = false

    init(loop: EventLoop, descriptor: Int32, generation: UInt32, handler: @escaping (IOEvents) -> Void) {
        self.loop = loop
        self.descriptor = descriptor
        self.generation = generation
        self.handler = handler
    }

    public func setInterest(reading: Bool, writing: Bool) {
        guard handler != nil, reading != isReading || writing != isWriting else { return }
        loop.assertInEventLoop()
        isReading = reading
        isWriting = writing
        var events: UInt32 = 0
        if reading { events |= EPOLLIN.rawValue | EPOLLRDHUP.rawValue }
        if writing { events |= EPOLLOUT.rawValue }
        loop.updateRegistration(self, from: registeredEvents, to: events)
        registeredEvents = events
    }

    public func setReading(_ reading: Bool) {
        setInterest(reading: reading, writing: isWriting)
    }

    public func setWriting(_ writing: Bool) {
        setInterest(reading: isReading, writing: writing)
    }

    /// No more events; call before closing the descriptor. Idempotent.
    public func stop() {
        guard handler != nil else { return }
        setInterest(reading: false, writing: false)
        handler = nil
        loop.removeWatcher(self)
    }

    func handle(_ events: IOEvents) {
        handler?(events)
    }
}
