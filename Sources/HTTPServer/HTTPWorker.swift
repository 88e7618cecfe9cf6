import EventLoops

/// One event loop's share of a server: the connections confined to that loop.
/// @unchecked Sendable: all mutable state is confined to `loop` (the immutable properties are safe
/// from anywhere).
final class HTTPWorker: @unchecked Sendable {
    let loop: EventLoop
    let readBuffer: UnsafeMutableRawBufferPointer
    private let context: HTTPServerContext
    private var connections: [ObjectIdentifier: HTTPConnection] = [:]
    private var dateCache = HTTPDateCache()
    private(set) var isShuttingDown = false

    private static let readBufferSize = 64 * 1024

    init(loop: EventLoop, context: HTTPServerContext) {
        self.loop = loop
        self.context = context
        readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.readBufferSize, alignment: 16)
    }

    deinit {
        readBuffer.deallocate()
    }

    var isCurrent: Bool { loop.inEventLoop }

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
