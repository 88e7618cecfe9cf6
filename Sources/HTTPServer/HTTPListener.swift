import Dispatch
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// A listening socket whose read source accepts connections and deals them out to the workers.
/// @unchecked Sendable: all mutable state is confined to `queue`.
final class HTTPListener: @unchecked Sendable {
    let address: HTTPServerConfiguration.Address
    let boundPort: Int?
    private let socket: Socket
    private let queue: DispatchQueue
    private let workers: [HTTPWorker]
    private let context: HTTPServerContext
    private let source: any DispatchSourceRead
    private var isSuspended = false
    private var isStopped = false
    private var nextWorker = 0
    private var backoff = minimumBackoff

    /// Out of descriptors, accepting again at once would spin: wait, doubling up to the maximum.
    private static let minimumBackoff = DispatchTimeInterval.milliseconds(50)
    private static let maximumBackoffMilliseconds = 1000
    /// Bounds one burst of accepts so the queue stays responsive under a flood.
    private static let acceptsPerEvent = 64

    init(address: HTTPServerConfiguration.Address, queue: DispatchQueue, workers: [HTTPWorker], context: HTTPServerContext) throws(SocketError) {
        self.address = address
        self.queue = queue
        self.workers = workers
        self.context = context
        socket = try Socket.listen(on: address)
        boundPort = socket.localPort()
        source = DispatchSource.makeReadSource(fileDescriptor: socket.descriptor, queue: queue)
    }

    func start() {
        let socket = socket
        source.setEventHandler { [weak self] in self?.acceptConnections() }
        source.setCancelHandler {
            socket.close()
        }
        source.activate()
    }

    /// Call on `queue`.
    func stop() {
        guard !isStopped else { return }
        isStopped = true
        if isSuspended {
            isSuspended = false
            source.resume()
        }
        source.cancel()
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
        worker.queue.async { worker.adopt(client) }
    }

    private func pauseAccepting() {
        guard !isSuspended else { return }
        isSuspended = true
        source.suspend()
        let delay = backoff
        if case .milliseconds(let milliseconds) = backoff {
            backoff = .milliseconds(min(milliseconds * 2, Self.maximumBackoffMilliseconds))
        }
        queue.asyncAfter(deadline: .now() + delay) { [weak self] in
            guard let self, self.isSuspended, !self.isStopped else { return }
            self.isSuspended = false
            self.source.resume()
        }
    }
}
