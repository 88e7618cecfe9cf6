#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed socket call, with the errno it left.
public struct SocketError: Error, Sendable, Hashable, CustomStringConvertible {
    public var operation: String
    public var errno: Int32
    public var message: String

    public init(operation: String, errno: Int32, message: String? = nil) {
        self.operation = operation
        self.errno = errno
        self.message = message ?? String(cString: strerror(errno))
    }

    /// Captures the calling thread's errno right after the failed call.
    static func failed(_ operation: String) -> SocketError {
        SocketError(operation: operation, errno: Glibc.errno)
    }

    public var description: String { "\(operation) failed (errno \(errno)): \(message)" }
}
