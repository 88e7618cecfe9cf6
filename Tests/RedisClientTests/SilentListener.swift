#if canImport(Glibc)
import Glibc
#endif

/// A TCP port that accepts connections (the kernel completes them into the backlog) but never
/// answers: a Redis that hangs during the connection set-up.
final class SilentListener {
    let port: Int
    private let descriptor: Int32

    init() throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        port = try TestRedisServer.bindToFreePort(descriptor)
        listen(descriptor, 16)
    }

    deinit {
        close(descriptor)
    }
}
