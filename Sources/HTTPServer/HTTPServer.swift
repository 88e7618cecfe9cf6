import Dispatch
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP/1.1 server on POSIX sockets and Dispatch: listeners accept on one queue, connections are
/// spread over a few serial worker queues, and no thread ever blocks on a client.
public final class HTTPServer: Sendable {
    private let configuration: HTTPServerConfiguration
    private let context: HTTPServerContext
    private let workers: [HTTPWorker]
    private let acceptQueue = DispatchQueue(label: "http-server.accept")
    private let listeners = Mutex<[HTTPListener]>([])

    public init(configuration: HTTPServerConfiguration, handler: any HTTPHandler, logger: Logger) {
        self.configuration = configuration
        let context = HTTPServerContext(handler: handler, limits: configuration.limits, logger: logger)
        let workerCount = configuration.workerCount > 0 ? configuration.workerCount : max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        self.context = context
        workers = (0..<workerCount).map {
            HTTPWorker(index: $0, context: context, usesSharedThreadPool: configuration.usesSharedThreadPool)
        }
    }

    /// Binds and listens on every address, or on none: throws the first `SocketError`.
    public func start() throws {
        var started: [HTTPListener] = []
        do {
            for address in configuration.addresses {
                started.append(try HTTPListener(address: address, queue: acceptQueue, workers: workers, context: context))
            }
        } catch {
            acceptQueue.sync { for listener in started { listener.start(); listener.stop() } }
            throw error
        }
        listeners.withLock { $0 += started }
        for listener in started { listener.start() }
        context.logger.info("listening", metadata: ["addresses": "\(configuration.addresses)", "ports": "\(boundPorts)"])
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
        acceptQueue.async {
            for listener in stopping { listener.stop() }
            context.beginShutdown(completion: completion)
            for worker in workers { worker.queue.async { worker.beginShutdown() } }
            let grace = DispatchTimeInterval.nanoseconds(Int(clamping: context.limits.shutdownGracePeriod.nanoseconds))
            self.acceptQueue.asyncAfter(deadline: .now() + grace) {
                for worker in workers { worker.queue.async { worker.closeAll() } }
            }
            context.completeShutdownIfDone()
        }
    }
}
