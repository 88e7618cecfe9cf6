import EventLoops
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// A listening socket on one loop; it accepts connections and deals them out to the workers.
/// @unchecked Sendable: all mutable state is confined to `loop`.
final class HTTPListener: @unchecked Sendable {
    let address: HTTPServerConfiguration.Address
    let boundPort: Int?
    let loop: EventLoop
    private let socket: Socket
    private let workers: [HTTPWorker]
    private let context: HTTPServerContext
    private var watcher: FileDescriptorWatcher?
    private var isPaused = false
    private var isStopped = false
    private var nextWorker = 0
    private var backoff = minimumBackoff

    /// Out of descriptors, accepting again at once would spin: wait, doubling up to the maximum.
    private static let minimumBackoff: UInt64 = 50_000_000
    private static let maximumBackoff: UInt64 = 1_000_000_000
    /// Bounds one burst of accepts so the loop's connections stay responsive under a flood.
    private static let acceptsPerEvent = 64

    init(address: HTTPServerConfiguration.Address, loop: EventLoop, workers: [HTTPWorker], context: HTTPServerContext) throws(SocketError) {
        self.address = address
        self.loop = loop
        self.workers = workers
        self.context = context
        socket = try Socket.listen(on: address)
        boundPort = socket.localPort()
    }

    /// Call on `loop`.
    func start() {
        guard !isStopped else { return }  // shut down before it started
        let watcher = loop.watch(socket.descriptor) { [weak self] _ in self?.acceptConnections() }
        self.watcher = watcher
        watcher.setReading(true)
    }

    /// Call on `loop`; closes the socket (a listener that was never started too).
    func stop() {
        guard !isStopped else { return }
        isStopped = true
        watcher?.stop()
        socket.close()
        if case .unix(let path) = address { unlink(path) }
    }

    private func acceptConnections() {
        for _ in 0..<Self.acceptsPerEvent {
            switch socket.accept() {
            case .accepted(let client):
                backoff = Self.minimumBackoff
                hand(client)
            case .wouldBlock:
                return
            case .skipped:
                continue
            case .outOfResources(let error):
                context.logger.warning("accept is out of resources; backing off", metadata: ["error": "\(error)"])
                pauseAccepting()
                return
            }
        }
    }

    private func hand(_ client: Socket) {
        // Over the limit: closed at once, so the client learns quickly and nothing else slows down.
        guard context.reserveConnection() else {
            client.close()
            return
        }
        if case .tcp = address {
            // Responses are written whole: Nagle would only hold back pipelined ones.
            try? client.setOption(level: Int32(IPPROTO_TCP), name: TCP_NODELAY, value: 1)
        }
        let worker = workers[nextWorker]
        nextWorker = (nextWorker + 1) % workers.count
        if worker.isCurrent {
            worker.adopt(client)
        } else {
            worker.loop.execute { worker.adopt(client) }
        }
    }

    private func pauseAccepting() {
        guard !isPaused else { return }
        isPaused = true
        watcher?.setReading(false)
        let delay = backoff
        backoff = min(backoff * 2, Self.maximumBackoff)
        loop.schedule(after: delay) { [self] in
            guard isPaused, !isStopped else { return }
            isPaused = false
            watcher?.setReading(true)
        }
    }
}
