import Dispatch

/// A serial queue and the connections confined to it; a server has a few, about one per core.
/// @unchecked Sendable: all mutable state is confined to `queue` (`isCurrent` and the immutable
/// properties are safe from anywhere).
final class HTTPWorker: @unchecked Sendable {
    let queue: DispatchQueue
    let readBuffer: UnsafeMutableRawBufferPointer
    private let index: Int
    private let context: HTTPServerContext
    private var connections: [ObjectIdentifier: HTTPConnection] = [:]
    private var dateCache = HTTPDateCache()
    private(set) var isShuttingDown = false

    private static let queueKey = DispatchSpecificKey<Int>()
    private static let readBufferSize = 64 * 1024

    init(index: Int, context: HTTPServerContext, usesSharedThreadPool: Bool) {
        self.index = index
        self.context = context
        let label = "http-server.worker.\(index)"
        queue = usesSharedThreadPool
            ? DispatchQueue(label: label, target: .global(qos: .userInitiated))
            : DispatchQueue(label: label)
        queue.setSpecific(key: Self.queueKey, value: index)
        readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.readBufferSize, alignment: 16)
    }

    deinit {
        readBuffer.deallocate()
    }

    var isCurrent: Bool {
        DispatchQueue.getSpecific(key: Self.queueKey) == index
    }

    func currentDate() -> [UInt8] {
        dateCache.refresh()
        return dateCache.value
    }

    /// Takes over an accepted socket already counted in `context.connectionCount`.
    func adopt(_ socket: Socket) {
        let connection = HTTPConnection(socket: socket, worker: self, context: context)
        connections[ObjectIdentifier(connection)] = connection
        connection.start()
        if isShuttingDown { connection.close() }
    }

    func connectionClosed(_ connection: HTTPConnection) {
        connections[ObjectIdentifier(connection)] = nil
        context.releaseConnection()
    }

    /// Idle connections close now; busy ones answer what they have read and then close.
    func beginShutdown() {
        isShuttingDown = true
        for connection in connections.values { connection.finishForShutdown() }
    }

    func closeAll() {
        for connection in connections.values { connection.close() }
    }
}
