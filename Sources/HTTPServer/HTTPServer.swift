import EventLoops
import Logging
import Synchronization

/// An HTTP/1.1 server on POSIX sockets and our own epoll loops: each loop serves its share of the
/// connections, the listeners accept on the first loop, and no thread ever blocks on a client.
public final class HTTPServer: Sendable {
    private let configuration: HTTPServerConfiguration
    private let context: HTTPServerContext
    private let workers: [HTTPWorker]
    private let listeners = PthreadLock<[HTTPListener]>([])

    /// `eventLoops`: where connections are served; the process's shared loops unless given others
    /// (the service serves HTTP and Redis on the same loops, so a request needs no thread hand-off).
    public init(configuration: HTTPServerConfiguration, handler: any HTTPHandler, eventLoops: EventLoopGroup = .shared, logger: Logger) {
        self.configuration = configuration
        let context = HTTPServerContext(handler: handler, limits: configuration.limits, logger: logger)
        self.context = context
        workers = eventLoops.loops.map { HTTPWorker(loop: $0, context: context) }
    }

    private var acceptLoop: EventLoop { workers[0].loop }

    /// Binds and listens on every address, or on none: throws the first `SocketError`.
    public func start() throws {
        var started: [HTTPListener] = []
        do {
            for address in configuration.addresses {
                started.append(try HTTPListener(address: address, loop: acceptLoop, workers: workers, context: context))
            }
        } catch {
            acceptLoop.sync { [started] in for listener in started { listener.stop() } }
            throw error
        }
        listeners.withLock { $0 += started }
        acceptLoop.execute { [started] in for listener in started { listener.start() } }
        // Port 0 asked for any free port: the log names the one the system chose.
        let bound = started.map { listener in
            guard case .tcp(let host, _) = listener.address, let port = listener.boundPort else { return listener.address }
            return .tcp(host: host, port: port)
        }
        context.logger.info("listening", metadata: ["addresses": "\(bound.map(\.description).joined(separator: ", "))"])
    }

    /// The actual TCP ports after `start()`, in address order (useful with port 0).
    public var boundPorts: [Int] {
        listeners.withLock { $0.compactMap(\.boundPort) }
    }

    public var openConnectionCount: Int {
        context.connectionCount.load(ordering: .relaxed)
    }

    /// Stops accepting, lets in-flight requests finish up to `shutdownGracePeriod`, closes idle
    /// connections at once and the rest at the deadline; then calls `completion` (on any thread).
    public func shutdown(completion: @escaping @Sendable () -> Void) {
        let stopping = listeners.withLock { listeners in
            defer { listeners.removeAll() }
            return listeners
        }
        let workers = workers
        let context = context
        acceptLoop.execute {
            for listener in stopping { listener.stop() }
            context.beginShutdown(completion: completion)
            for worker in workers { worker.loop.execute { worker.beginShutdown() } }
            let grace = context.limits.shutdownGracePeriod.clampedNanoseconds
            for worker in workers { worker.loop.schedule(after: grace) { worker.closeAll() } }
            context.completeShutdownIfDone()
        }
    }
}
